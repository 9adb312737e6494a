// Keyed pseudonyms, date shifts and UID remapping, shared by every modality
// (ARCHITECTURE.md "Decisions already taken": HMAC-SHA-256 under the institution key,
// one deterministic date shift per patient, DICOM UIDs as 2.25.<decimal>).
import { hmacSha256 } from './hmac-sha256.ts';

/** The institution's 256-bit pseudonymisation secret, usable only through keyed hashes. */
export interface PseudonymKey {
  /** HMAC-SHA-256(secret, domain || 0x00 || value). Domains separate uses of the key. */
  hmac(domain: string, value: string): Buffer;
}

export function createPseudonymKey(secret: Buffer): PseudonymKey {
  if (secret.length !== 32) throw new Error('The pseudonymisation key must be 256 bits.');
  const mac = hmacSha256(secret);
  return {
    hmac(domain, value) {
      return mac(`${domain}\u0000${value}`);
    },
  };
}

/**
 * The patient's pseudonym: HMAC of the MRN's system and value. FHIR, DICOM and VCF all call
 * this with the same (system, value), which is what links the modalities after de-identification.
 */
export function patientPseudonym(key: PseudonymKey, mrnSystem: string, mrnValue: string): string {
  return key.hmac('patient', `${mrnSystem.trim()}|${mrnValue.trim()}`).subarray(0, 16).toString('hex');
}

/** A stable opaque key for any other source identity (resource ids, references). */
export function opaqueKey(key: PseudonymKey, domain: string, value: string): string {
  return key.hmac(domain, value).subarray(0, 16).toString('hex');
}

const SHIFT_MIN_DAYS = 365;
const SHIFT_SPAN_DAYS = 3286; // shifts fall in [-3650, -365] days

/**
 * The patient's date shift in days, always into the past (between one and ten years), derived
 * from the pseudonym so FHIR and DICOM shift one patient's dates identically.
 */
export function dateShiftDays(key: PseudonymKey, pseudonym: string): number {
  const n = key.hmac('date-shift', pseudonym).readUInt32BE(0);
  return -(SHIFT_MIN_DAYS + (n % SHIFT_SPAN_DAYS));
}

/**
 * DICOM UID replacement: `2.25.` + the decimal of a 128-bit keyed hash (PS3.5 B.2), so the same
 * source UID maps to the same new UID in every import of this institution.
 */
export function deidentifiedUid(key: PseudonymKey, uid: string): string {
  let memo = recentUids.get(key);
  if (!memo) recentUids.set(key, (memo = new Map()));
  const known = memo.get(uid);
  if (known !== undefined) return known;
  const bytes = key.hmac('dicom-uid', uid.replace(/\0/g, '').trim()).subarray(0, 16);
  // PS3.5 B.2: the UUID-derived integer; clear the top bit so the value stays within 39 digits.
  bytes[0] = bytes[0]! & 0x7f;
  const mapped = `2.25.${BigInt(`0x${bytes.toString('hex')}`).toString(10)}`;
  if (memo.size >= MAX_RECENT_UIDS) memo.clear();
  memo.set(uid, mapped);
  return mapped;
}

/**
 * UIDs mapped lately, per key: a study's, series' and frame of reference's UIDs recur in every one
 * of their files, and each file's own UIDs are asked for again for its summary and file meta. The
 * mapping is a pure function of key and UID, so a remembered answer is the same answer.
 */
const recentUids = new WeakMap<PseudonymKey, Map<string, string>>();
const MAX_RECENT_UIDS = 4096;

const MS_PER_DAY = 86_400_000;

/**
 * Days since 1970-01-01 for the calendar date at the start of a FHIR date/dateTime/instant
 * ("2019-03-04", "2019-03-04T10:00:00+01:00", "2019-03", "2019"). Uses the date as written,
 * ignoring the time zone, so a local date never moves to a neighbouring day.
 */
export function epochDay(value: string): number | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = match[2] ? Number(match[2]) : 1;
  const day = match[3] ? Number(match[3]) : 1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

/** The calendar date (YYYYMMDD, as DICOM DA) for a day number: the inverse of `epochDay`. */
export function dayToDicomDate(day: number): string {
  const d = new Date(day * MS_PER_DAY);
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`;
}
