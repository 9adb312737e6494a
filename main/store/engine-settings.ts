// Engine settings kept in the `meta` table: a fixed list of known keys, each validated, so a typo or
// a stray value cannot silently change how imports link patients. Set with `dataspace config set`.
import { InvalidInputError } from '../util/errors.ts';
import type { ReadableDB, WritableDB } from './database.ts';
import { sql } from './sql.ts';

/** One known setting. */
export interface EngineSettingDefinition {
  description: string;
  /** Used while the setting is unset. */
  defaultValue: string;
  /** Returns a reason when the value is not acceptable. */
  check(value: string): string | null;
}

// eslint-disable-next-line no-control-regex -- control characters are what we refuse
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The MRN system FHIR Patients of this institution carry, e.g. 'http://hospital.example.org/mrn'. */
function checkIdentifierSystem(value: string): string | null {
  if (value.trim() !== value || value === '') return 'must be non-empty, without leading or trailing spaces';
  if (value.length > 512 || CONTROL_CHARACTERS.test(value)) return 'must be at most 512 printable characters';
  return null;
}

/** A risk threshold: a probability strictly between 0 and 1. */
function checkRiskThreshold(value: string): string | null {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && n > 0 && n < 1 ? null : 'must be a number between 0 and 1 (exclusive)';
}

const checkOneOf = (...allowed: string[]) => (value: string) => (allowed.includes(value) ? null : `must be one of ${allowed.join(', ')}`);
function checkPositiveNumber(value: string): string | null {
  const n = Number(value);
  return value.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 1000 ? null : 'must be a number above 0 (at most 1000)';
}

export const ENGINE_SETTINGS: Readonly<Record<string, EngineSettingDefinition>> = {
  'release.minimum-cell-size': {
    description: 'smallest count of patients a released cell, group or cohort may hold; smaller cells are suppressed (with complementary suppression)',
    defaultValue: '11',
    check: (value) => (/^\d{1,4}$/.test(value) && Number(value) >= 2 ? null : 'must be a whole number of at least 2'),
  },
  'release.noise': {
    description: 'noise added to released statistics: none, or laplace (differential privacy, spending the privacy budget)',
    defaultValue: 'none',
    check: checkOneOf('none', 'laplace'),
  },
  'release.epsilon-per-release': {
    description: 'privacy budget (epsilon) one release spends when release.noise is laplace',
    defaultValue: '1',
    check: checkPositiveNumber,
  },
  'release.total-epsilon': {
    description: 'lifetime privacy budget (epsilon) of this node; releases beyond it are refused',
    defaultValue: '10',
    check: checkPositiveNumber,
  },
  'release.unattended-approval': {
    description: 'true lets `dataspace sync --approve-policy` send releases that pass every check without a steward approving each one',
    defaultValue: 'false',
    check: checkOneOf('true', 'false'),
  },
  'risk.threshold.moderate': {
    description: 'readmission risk at or above which an admission is "moderate" (below risk.threshold.high)',
    defaultValue: '0.15',
    check: checkRiskThreshold,
  },
  'risk.threshold.high': {
    description: 'readmission risk at or above which an admission is "high"',
    defaultValue: '0.3',
    check: checkRiskThreshold,
  },
  'vcf.default-mrn-system': {
    description:
      'identifier system of the MRN a VCF sample id stands for when an import has no sample sheet ' +
      '(use the system of the MRN in your FHIR Patients, so VCF and FHIR records of a patient link)',
    defaultValue: 'urn:dataspace:mrn',
    check: checkIdentifierSystem,
  },
  'dicom.default-mrn-system': {
    description:
      'identifier system of the MRN a DICOM Patient ID stands for when its Issuer of Patient ID is absent or not ' +
      'mapped with dicom.mrn-system.<issuer> (use the system of the MRN in your FHIR Patients, so DICOM and FHIR link); ' +
      'unset, Patient IDs stay in their issuer\'s own namespace and do not link to FHIR',
    defaultValue: 'urn:dataspace:dicom-issuer:<issuer>',
    check: checkIdentifierSystem,
  },
};

/**
 * Settings named by a prefix and a free part, e.g. `dicom.mrn-system.<issuer>`: one definition
 * covers every key of the family. The free part must be 1–64 printable characters.
 */
export const ENGINE_SETTING_FAMILIES: Readonly<Record<string, EngineSettingDefinition>> = {
  'dicom.mrn-system.': {
    description:
      'identifier system of the MRN for DICOM files whose Issuer of Patient ID (0010,0021) is the key\'s last part, ' +
      'e.g. dicom.mrn-system.HOSP_MRN = http://hospital.example.org/mrn',
    defaultValue: 'the value of dicom.default-mrn-system',
    check: checkIdentifierSystem,
  },
};

function familyOf(key: string): EngineSettingDefinition | undefined {
  for (const [prefix, family] of Object.entries(ENGINE_SETTING_FAMILIES)) {
    const part = key.slice(prefix.length);
    // Issuer of Patient ID is LO: no backslash, at most 64 characters (PS3.5 Table 6.2-1).
    if (key.startsWith(prefix) && part.length >= 1 && part.length <= 64 && part.trim() === part && !part.includes('\\') && !CONTROL_CHARACTERS.test(part)) return family;
  }
  return undefined;
}

const META_PREFIX = 'setting:';

function definition(key: string): EngineSettingDefinition {
  const found = Object.prototype.hasOwnProperty.call(ENGINE_SETTINGS, key) ? ENGINE_SETTINGS[key] : familyOf(key);
  if (!found) {
    throw new InvalidInputError(
      `Unknown setting "${key}". Known settings: ${Object.keys(ENGINE_SETTINGS).join(', ')}.`,
      'unknown-setting',
    );
  }
  return found;
}

/** The stored value, or null while unset (callers fall back to the default). */
export function readSetting(db: ReadableDB, key: string): string | null {
  definition(key);
  return db.pluck<string>(sql`SELECT value FROM meta WHERE key = ${META_PREFIX + key}`) ?? null;
}

/** The value in force: the stored one, else the default. */
export function settingValue(db: ReadableDB, key: string): string {
  return readSetting(db, key) ?? definition(key).defaultValue;
}

/** Validates and stores a value. Throws InvalidInputError for unknown keys and bad values. */
export function writeSetting(db: WritableDB, key: string, value: string): void {
  const reason = definition(key).check(value);
  if (reason) throw new InvalidInputError(`The value of ${key} ${reason}.`, 'invalid-setting');
  db.run(sql`INSERT INTO meta (key, value) VALUES (${META_PREFIX + key}, ${value})
    ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
}

/** The definition of a known key (of ENGINE_SETTINGS or a family); throws for unknown keys. */
export function settingDefinition(key: string): EngineSettingDefinition {
  return definition(key);
}

/** Stored settings of a family, as key → value, ordered by key. */
export function readSettingFamily(db: ReadableDB, prefix: string): Record<string, string> {
  if (!Object.prototype.hasOwnProperty.call(ENGINE_SETTING_FAMILIES, prefix)) throw new InvalidInputError(`Unknown setting family "${prefix}".`, 'unknown-setting');
  const stored = META_PREFIX + prefix;
  const rows = db.all<{ key: string; value: string }>(sql`SELECT key, value FROM meta
    WHERE substr(key, 1, ${stored.length}) = ${stored} ORDER BY key`);
  return Object.fromEntries(rows.map((r) => [r.key.slice(META_PREFIX.length), r.value]));
}
