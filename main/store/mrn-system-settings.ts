// The DICOM MRN-system mapping in force: `dicom.mrn-system.<issuer>` and `dicom.default-mrn-system`
// from the engine settings (engine-settings.ts, set with `dataspace config set`), over defaults
// the host may pass (e.g. from IT policy). Stored settings win, so a steward's change takes effect.
import type { MrnSystemMapping } from '../deid/dicom/mrn-system-mapping.ts';
import type { ReadableDB } from './database.ts';
import { readSetting, readSettingFamily } from './engine-settings.ts';

const ISSUER_PREFIX = 'dicom.mrn-system.';

export function mrnSystemMapping(db: ReadableDB, defaults?: Partial<MrnSystemMapping>): MrnSystemMapping {
  const byIssuer: Record<string, string> = { ...(defaults?.byIssuer ?? {}) };
  for (const [key, system] of Object.entries(readSettingFamily(db, ISSUER_PREFIX))) {
    byIssuer[key.slice(ISSUER_PREFIX.length)] = system;
  }
  return { byIssuer, defaultSystem: readSetting(db, 'dicom.default-mrn-system') ?? defaults?.defaultSystem ?? null };
}
