// Resolves each Table E.1-1 row to one concrete action for the options of a call
// (PS3.15 Table E.1-1a legend: D, Z, X, K, C, U and the compound actions).
import { InvalidInputError } from '../../util/errors.ts';
import type { DicomTag } from '../../ingest/dicom/dicom-tag.ts';
import { dictionaryVr, isTextVr } from '../../ingest/dicom/value-representation.ts';
import type { ProfileOption } from './build-profile-table.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { deidentificationMethodCodes } from './dicom-deid-options.ts';
import { exactProfileTags, profileRowFor } from './profile-table.ts';
import type { ProfileTableRow } from './profile-table.ts';

/** What happens to one attribute. */
export type ProfileAction =
  | { kind: 'remove' }
  | { kind: 'empty' }
  | { kind: 'dummy' }
  | { kind: 'uid' }
  | { kind: 'keep' }
  /** Keep the sequence and apply the profile to its items; `structured` also cleans free text. */
  | { kind: 'clean-sequence'; structured: boolean }
  | { kind: 'clean-text'; fallback: ProfileAction }
  | { kind: 'shift-date'; fallback: ProfileAction };

export interface CompiledPolicy {
  readonly options: DicomDeidOptions;
  /** Null when Table E.1-1 has no row for the tag (the attribute is kept; sequences are cleaned). */
  actionFor(tag: DicomTag): ProfileAction | null;
  /** The VR Table E.1-1 (or else PS3.6) gives the tag, used for replacement values. */
  vrFor(tag: DicomTag): string | null;
  /** Allowlisted private attributes as `GGGG|creator|EE`. */
  readonly safePrivate: ReadonlySet<string>;
  /** The CID 7050 code values of the profile and the options applied, in (0012,0064) order. */
  readonly methodCodes: readonly string[];
}

const REMOVE: ProfileAction = { kind: 'remove' };
const EMPTY: ProfileAction = { kind: 'empty' };
const DUMMY: ProfileAction = { kind: 'dummy' };

/**
 * Compound actions let the profile keep an IOD conformant ("X unless Z is required ...").
 * We carry no per-IOD Type tables, so we take the branch that is conformant for every Type
 * and discloses no more than X: Z for X/Z, D for X/D, X/Z/D and Z/D, and for X/Z/U* the
 * sequence is kept with every instance UID inside it replaced (the U rows apply in its items).
 */
export function basicAction(code: string): ProfileAction {
  switch (code) {
    case 'X':
      return REMOVE;
    case 'Z':
    case 'X/Z':
      return EMPTY;
    case 'D':
    case 'X/D':
    case 'X/Z/D':
    case 'Z/D':
      return DUMMY;
    case 'U':
      return { kind: 'uid' };
    case 'X/Z/U*':
      return { kind: 'clean-sequence', structured: false };
    default:
      throw new Error(`Unknown Table E.1-1 action "${code}".`);
  }
}

const OPTION_SWITCHES: ReadonlyArray<[ProfileOption, keyof DicomDeidOptions]> = [
  ['modifiedDates', 'retainLongitudinalModifiedDates'],
  ['cleanStructuredContent', 'cleanStructuredContent'],
  ['cleanDescriptors', 'cleanDescriptors'],
  ['patientCharacteristics', 'retainPatientCharacteristics'],
  ['deviceIdentity', 'retainDeviceIdentity'],
];

/**
 * An option's K keeps the attribute; its C cleans it: dates are shifted (E.3.6), sequences are
 * kept and cleaned item by item, free text keeps only words not found in identifying attributes.
 * Time of day (TM) survives a whole-day shift unchanged. Where cleaning cannot be done safely
 * (binary timestamps, a time zone offset) the Basic action applies. K wins over C.
 */
export function resolveAction(row: ProfileTableRow, vr: string | null, options: DicomDeidOptions): ProfileAction {
  const basic = basicAction(row.basic);
  const chosen = OPTION_SWITCHES.filter(([, flag]) => options[flag] === true)
    .map(([option]) => [option, row.options[option]] as const)
    .filter(([, code]) => code === 'K' || code === 'C');
  if (chosen.some(([, code]) => code === 'K')) return vr === 'SQ' ? { kind: 'clean-sequence', structured: false } : { kind: 'keep' };
  const clean = chosen[0];
  if (!clean) return basic;
  const [option] = clean;
  if (option === 'modifiedDates') {
    if (vr === 'DA' || vr === 'DT') return { kind: 'shift-date', fallback: basic };
    return vr === 'TM' ? { kind: 'keep' } : basic;
  }
  if (vr === 'SQ') return { kind: 'clean-sequence', structured: option === 'cleanStructuredContent' };
  if (vr !== null && (isTextVr(vr) || vr === 'AE' || vr === 'PN')) return { kind: 'clean-text', fallback: basic };
  return basic;
}

function rowVr(row: ProfileTableRow, tag: DicomTag | null): string | null {
  if (row.vr === 'OB or OW') return 'OB';
  if (row.vr !== '') return row.vr;
  return tag === null ? null : dictionaryVr(tag);
}

const ALLOWLIST_ENTRY = /^\(([0-9A-Fa-f]{4}),"([^"]*)",([0-9A-Fa-f]{2})\)$/;

export function safePrivateKey(group: number, creator: string, elementByte: number): string {
  const hex = (n: number, w: number) => n.toString(16).toUpperCase().padStart(w, '0');
  return `${hex(group, 4)}|${creator.trim()}|${hex(elementByte, 2)}`;
}

function parseAllowlist(entries: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const entry of entries) {
    const match = ALLOWLIST_ENTRY.exec(entry.trim());
    const group = match ? Number.parseInt(match[1]!, 16) : 0;
    if (!match || (group & 1) === 0) {
      throw new InvalidInputError(`Safe private allowlist entry "${entry}" is not of the form (gggg,"Creator",ee) with an odd group.`, 'invalid-options');
    }
    keys.add(safePrivateKey(group, match[2]!, Number.parseInt(match[3]!, 16)));
  }
  return keys;
}

const compiled = new Map<string, CompiledPolicy>();
/** Bounds the per-policy cache against files full of distinct private tags (fuzzed input). */
const MAX_DERIVED_TAGS = 65_536;

/** Resolves every row once per distinct set of options; throws InvalidInputError for a bad allowlist. */
export function compilePolicy(options: DicomDeidOptions): CompiledPolicy {
  const cacheKey = JSON.stringify([
    options.retainLongitudinalModifiedDates, options.retainPatientCharacteristics, options.retainDeviceIdentity,
    options.retainSafePrivate, options.safePrivateAllowlist ?? [], options.cleanDescriptors, options.cleanStructuredContent,
  ]);
  const cached = compiled.get(cacheKey);
  if (cached) return cached;
  const actions = new Map<DicomTag, ProfileAction>();
  const vrs = new Map<DicomTag, string | null>();
  for (const [tag, row] of exactProfileTags()) {
    const vr = rowVr(row, tag);
    vrs.set(tag, vr);
    actions.set(tag, resolveAction(row, vr, options));
  }
  const frozen = { ...options, safePrivateAllowlist: [...(options.safePrivateAllowlist ?? [])] };
  // Tags outside the exact rows (private, curve, overlay, unlisted) resolve once each: every
  // element of every file asks (the identifying-text collector too), and resolveAction allocates.
  const derived = new Map<DicomTag, ProfileAction | null>();
  const policy: CompiledPolicy = {
    options: Object.freeze(frozen),
    actionFor(tag) {
      const exact = actions.get(tag);
      if (exact) return exact;
      let action = derived.get(tag);
      if (action === undefined) {
        const row = profileRowFor(tag);
        action = row ? resolveAction(row, rowVr(row, null), options) : null;
        if (derived.size >= MAX_DERIVED_TAGS) derived.clear();
        derived.set(tag, action);
      }
      return action;
    },
    vrFor(tag) {
      const exact = vrs.get(tag);
      if (exact !== undefined) return exact;
      const row = profileRowFor(tag);
      return row ? rowVr(row, tag) : dictionaryVr(tag);
    },
    safePrivate: options.retainSafePrivate ? parseAllowlist(options.safePrivateAllowlist ?? []) : new Set(),
    methodCodes: Object.freeze(deidentificationMethodCodes(options).map((code) => code.value)),
  };
  compiled.set(cacheKey, policy);
  return policy;
}
