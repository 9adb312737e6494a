// Index admissions and their 30-day readmission labels from the de-identified store. Dates in the
// store are per-patient shifted day numbers, so every window here is a difference of days of one
// patient, which the shift preserves (ARCHITECTURE.md, "Dates").
// One pass over the resource table gathers what each patient's features need; SQLite filters
// rows and extracts the few body elements read, since the table holds gigabytes of bodies at
// 100,000 admissions (bench/scoring-bench.ts).
import type { ReadableDB } from '../../store/database.ts';
import { sql, type SqlQuery } from '../../store/sql.ts';
import { CharlsonComorbidity } from './charlson-comorbidity.ts';

const ACT_CODE = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';
const LOINC = 'http://loinc.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const HEMOGLOBIN_LOINC = '718-7';
export const SODIUM_LOINC = '2951-2';
/** Readmission window: another inpatient stay starting 1-30 days after the discharge day. */
export const READMISSION_WINDOW_DAYS = 30;
export const PRIOR_ED_WINDOW_DAYS = 182;
export const PRIOR_ADMISSION_WINDOW_DAYS = 365;
/** Emergency priorities of HL7 v3 ActPriority: emergency, urgent, ASAP. */
const URGENT_PRIORITIES = new Set(['EM', 'UR', 'A', 'S']);

/** Per-admission inputs, before any model transform (FEATURE_SET turns them into a vector). */
export interface AdmissionFeatures {
  /** Whole years at admission from the shifted birth day; else the midpoint of the age group. */
  ageYears: number | null;
  ageGroup: string | null;
  sex: string | null;
  lengthOfStayDays: number;
  /** admitSource `emd`; without an admitSource, an emergency priority. */
  emergencyAdmission: boolean;
  charlsonIndex: number;
  charlsonCategories: string[];
  priorEdVisits6m: number;
  priorAdmissions12m: number;
  dischargeHemoglobinGdl: number | null;
  dischargeSodiumMmolL: number | null;
  proceduresDuringStay: number;
  oncology: boolean;
  /** Distinct RxNorm codes among the stay's MedicationRequests. */
  activeMedications: number;
  /** DICOM studies of the patient whose (shifted) study day falls within the stay; 0 without dated studies. */
  imagingStudiesDuringStay: number;
  /** A drug-gene alert on the stay's medications; null when no PGx input was given. */
  pgxAlert: boolean | null;
}

/** One inpatient stay eligible as an index admission, with its label. */
export interface IndexAdmission {
  pseudonym: string;
  /** Store key of the Encounter resource. */
  encounterKey: string;
  admitDay: number;
  dischargeDay: number;
  /** 1 when another inpatient stay starts 1-30 days after discharge. */
  readmitted30d: 0 | 1;
  daysToReadmission: number | null;
  features: AdmissionFeatures;
  /** `system|code` of the stay's MedicationRequests, for drug-gene alerts computed later. */
  medicationCodes?: readonly string[];
}

/** Options of extractIndexAdmissions. */
export interface ExtractIndexAdmissionsOptions {
  charlson?: CharlsonComorbidity;
  /**
   * The last shifted day the patient's data covers; stays discharged fewer than 30 days before
   * it are dropped (no complete follow-up). Without it every finished stay is kept.
   */
  followUpEndDay?: (pseudonym: string) => number | null;
  /** Whether the patient has a drug-gene alert for these `system|code` medication codes. */
  pgxAlert?: (pseudonym: string, medicationCodes: readonly string[]) => boolean;
}

interface PatientRow {
  pseudonym: string;
  sex: string | null;
  age_group: string | null;
  birth_day: number | null;
}

/** One resource as the scan returns it: only the columns and body elements extraction reads. */
interface ScanRow {
  rid: number;
  type: string;
  pseudonym: string;
  start_day: number | null;
  end_day: number | null;
  /** Null for Procedures, whose codes are not read. */
  codes: string | null;
  /** Encounters that may be inpatient stays. */
  key: string | null;
  body: string | null;
  /**
   * MedicationRequests and Procedures: `encounter.reference` as json_extract returns it (a JSON
   * string as text, anything else as a number, null or JSON text). Observations: the JSON text
   * of [encounter.reference, valueQuantity], SQLite copying numbers and strings verbatim.
   */
  linked: unknown;
}

type Json = Record<string, unknown>;

/** A resource that references an encounter and may feed a stay's features, in store (rowid) order. */
interface LinkedResource {
  type: string;
  day: number | null;
  codes: readonly string[];
  /** Observations: valueQuantity as parsed. */
  valueQuantity: unknown;
}

interface Stay {
  key: string;
  admitDay: number;
  dischargeDay: number | null;
  body: Json;
  id: string;
}

/** Everything of one patient the features read, gathered during the scan. */
interface PatientRecords {
  patient: PatientRow;
  inpatient: Stay[];
  edStarts: number[];
  conditions: { day: number; categories: string[] }[];
  byEncounter: Map<string, LinkedResource[]>;
  /** Shifted study days of the patient's imaging studies (DICOM imports). */
  imagingDays: number[];
}

const firstCode = (concept: unknown): string | null => {
  const coding = (concept as { coding?: { code?: unknown }[] } | undefined)?.coding;
  const code = coding?.[0]?.code;
  return typeof code === 'string' ? code : null;
};

/** The encounter id of a reference value; non-strings (JSON text of objects included) never start with "Encounter/". */
const encounterId = (ref: unknown): string | null =>
  typeof ref === 'string' && ref.startsWith('Encounter/') ? ref.slice('Encounter/'.length) : null;

/** Midpoint of "65-69"; "90+" is 90 (Safe Harbor aggregates 90 and over). */
export function ageOfGroup(group: string | null): number | null {
  if (group === null) return null;
  const range = /^(\d+)-(\d+)$/.exec(group);
  if (range) return (Number(range[1]) + Number(range[2])) / 2;
  const open = /^(\d+)\+$/.exec(group);
  return open ? Number(open[1]) : null;
}

/** Whole years between two day numbers of one patient, by calendar (UTC) dates. */
export function wholeYearsBetween(birthDay: number, day: number): number {
  const b = new Date(birthDay * 86_400_000);
  const d = new Date(day * 86_400_000);
  let years = d.getUTCFullYear() - b.getUTCFullYear();
  if (d.getUTCMonth() < b.getUTCMonth() || (d.getUTCMonth() === b.getUTCMonth() && d.getUTCDate() < b.getUTCDate())) years--;
  return years;
}

function quantity(valueQuantity: unknown): { value: number; unit: string } | null {
  const q = valueQuantity as { value?: unknown; unit?: unknown; code?: unknown } | null | undefined;
  if (typeof q?.value !== 'number') return null;
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return { value: q.value, unit };
}

/** Hemoglobin in g/dL; g/L (some sites) divided by 10. */
function hemoglobinGdl(valueQuantity: unknown): number | null {
  const q = quantity(valueQuantity);
  if (q === null) return null;
  return q.unit === 'g/L' ? q.value / 10 : q.value;
}

/** Rows per scan query: the reader cannot stream; small chunks die young (measured: 10% less CPU than 50,000). */
const SCAN_CHUNK = 5_000;
/** Scans restarted when a write lands mid-scan, before giving up. */
const SCAN_ATTEMPTS = 5;

const quoted = (code: string) => JSON.stringify(code);

/**
 * The rows extraction reads, in rowid order, in chunks. SQLite filters and extracts: ambulatory
 * encounters and Observations other than hemoglobin and sodium are never read into JavaScript,
 * and bodies only for possible inpatient stays. Each `instr` passes a superset of the exact code
 * matches made afterwards, so nothing needed is left out.
 */
function scanQuery(where: SqlQuery, tail: SqlQuery): SqlQuery {
  const imp = quoted(`${ACT_CODE}|IMP`);
  return sql`
    SELECT rowid AS rid, type, pseudonym, start_day, end_day,
      iif(type = 'Procedure', NULL, codes) AS codes,
      iif(type = 'Encounter' AND instr(codes, ${imp}) > 0, key, NULL) AS key,
      iif(type = 'Encounter' AND instr(codes, ${imp}) > 0, body, NULL) AS body,
      CASE type WHEN 'Observation' THEN json_extract(body, '$.encounter.reference', '$.valueQuantity')
        WHEN 'MedicationRequest' THEN json_extract(body, '$.encounter.reference')
        WHEN 'Procedure' THEN json_extract(body, '$.encounter.reference') END AS linked
    FROM resource
    WHERE ${where} AND (
      type IN ('Condition', 'MedicationRequest', 'Procedure')
      OR (type = 'Encounter' AND (instr(codes, ${imp}) > 0 OR instr(codes, ${quoted(`${ACT_CODE}|EMER`)}) > 0))
      OR (type = 'Observation' AND (instr(codes, ${quoted(`${LOINC}|${HEMOGLOBIN_LOINC}`)}) > 0 OR instr(codes, ${quoted(`${LOINC}|${SODIUM_LOINC}`)}) > 0)))
    ${tail}`;
}

function scanChunk(db: ReadableDB, after: number): ScanRow[] {
  return db.all<ScanRow>(scanQuery(sql`rowid > ${after}`, sql`ORDER BY rowid LIMIT ${SCAN_CHUNK}`));
}

/** The rows of a few patients at once, through the resource_by_patient index; rowid order within each patient. */
function scanPatients(db: ReadableDB, pseudonyms: readonly string[]): ScanRow[] {
  return db.all<ScanRow>(scanQuery(sql`pseudonym IN (SELECT value FROM json_each(${JSON.stringify(pseudonyms)}))`, sql`ORDER BY pseudonym, rowid`));
}

/** Adds each patient's dated imaging studies (only those patients when `only`). */
function gatherImaging(db: ReadableDB, patients: Map<string, PatientRecords>, only: boolean): void {
  const filter = only ? sql`AND pseudonym IN (SELECT value FROM json_each(${JSON.stringify([...patients.keys()])}))` : sql``;
  for (const row of db.all<{ pseudonym: string; study_day: number }>(sql`SELECT pseudonym, study_day FROM imaging_study WHERE study_day IS NOT NULL ${filter}`)) {
    patients.get(row.pseudonym)?.imagingDays.push(row.study_day);
  }
}

/** Parses each distinct code list once (a store has few distinct lists); the arrays are shared, never mutated. */
function codeLists(): (codes: string) => readonly string[] {
  const cache = new Map<string, readonly string[]>();
  return (codes) => {
    let list = cache.get(codes);
    if (!list) cache.set(codes, (list = JSON.parse(codes) as string[]));
    return list;
  };
}

/** Reads every needed row into its patient's records, in rowid order. */
function gather(db: ReadableDB, patients: Map<string, PatientRecords>, charlson: CharlsonComorbidity, only = false): void {
  const codesOf = codeLists();
  const categories = new Map<string, string[]>();
  const categoriesOf = (codes: string) => {
    let found = categories.get(codes);
    if (!found) categories.set(codes, (found = codesOf(codes).map((c) => charlson.categoryOf(c)).filter((c): c is string => c !== null)));
    return found;
  };
  if (only) {
    for (const row of scanPatients(db, [...patients.keys()])) gatherRow(row, patients.get(row.pseudonym)!, codesOf, categoriesOf);
    return;
  }
  for (let after = Number.MIN_SAFE_INTEGER; ; ) {
    const rows = scanChunk(db, after);
    for (const row of rows) {
      const records = patients.get(row.pseudonym);
      if (records) gatherRow(row, records, codesOf, categoriesOf);
    }
    if (rows.length < SCAN_CHUNK) return;
    after = rows[rows.length - 1]!.rid;
  }
}

function gatherRow(row: ScanRow, records: PatientRecords, codesOf: (codes: string) => readonly string[], categoriesOf: (codes: string) => string[]): void {
  if (row.type === 'Encounter') {
    const codes = codesOf(row.codes!);
    if (codes.includes(`${ACT_CODE}|EMER`) && row.start_day !== null) records.edStarts.push(row.start_day);
    if (codes.includes(`${ACT_CODE}|IMP`) && row.start_day !== null) {
      const body = JSON.parse(row.body!) as Json;
      records.inpatient.push({ key: row.key!, admitDay: row.start_day, dischargeDay: row.end_day, body, id: String(body.id) });
    }
  } else if (row.type === 'Condition') {
    if (row.start_day === null) return; // undated diagnoses cannot be placed before an admission
    const categories = categoriesOf(row.codes!);
    if (categories.length > 0) records.conditions.push({ day: row.start_day, categories });
  } else {
    const [reference, valueQuantity] = row.type === 'Observation' ? (JSON.parse(row.linked as string) as [unknown, unknown]) : [row.linked, undefined];
    const ref = encounterId(reference);
    if (ref === null) return;
    let list = records.byEncounter.get(ref);
    if (!list) records.byEncounter.set(ref, (list = []));
    list.push({ type: row.type, day: row.start_day, codes: row.codes === null ? [] : codesOf(row.codes), valueQuantity });
  }
}

/**
 * Every finished inpatient (class IMP) Encounter with a discharge day and a disposition other than
 * death, with its features and label. Readmissions are index admissions themselves when eligible.
 */
export function extractIndexAdmissions(db: ReadableDB, options: ExtractIndexAdmissionsOptions = {}): IndexAdmission[] {
  const charlson = options.charlson ?? CharlsonComorbidity.load();
  // The scan takes several statements; PRAGMA data_version changes when another connection
  // commits, so a scan that overlapped a write (an import) is repeated to read one snapshot.
  for (let attempt = 1; ; attempt++) {
    const version = db.pluck<number>(sql`PRAGMA data_version`);
    const patients = new Map(
      db.all<PatientRow>(sql`SELECT pseudonym, sex, age_group, birth_day FROM patient ORDER BY pseudonym`)
        .map((patient): [string, PatientRecords] => [patient.pseudonym, { patient, inpatient: [], edStarts: [], conditions: [], byEncounter: new Map(), imagingDays: [] }]),
    );
    gather(db, patients, charlson);
    gatherImaging(db, patients, false);
    if (db.pluck<number>(sql`PRAGMA data_version`) !== version && attempt < SCAN_ATTEMPTS) continue;
    const out: IndexAdmission[] = [];
    for (const records of patients.values()) if (records.inpatient.length > 0) out.push(...admissionsOfPatient(records, charlson, options));
    return out;
  }
}

/** Index admissions of the given patients only (the feature cache refreshes patients an import touched). */
export function extractIndexAdmissionsOf(db: ReadableDB, pseudonyms: readonly string[], options: ExtractIndexAdmissionsOptions = {}): IndexAdmission[] {
  const charlson = options.charlson ?? CharlsonComorbidity.load();
  const patients = new Map(
    db.all<PatientRow>(sql`SELECT pseudonym, sex, age_group, birth_day FROM patient WHERE pseudonym IN (SELECT value FROM json_each(${JSON.stringify(pseudonyms)})) ORDER BY pseudonym`)
      .map((patient): [string, PatientRecords] => [patient.pseudonym, { patient, inpatient: [], edStarts: [], conditions: [], byEncounter: new Map(), imagingDays: [] }]),
  );
  if (patients.size === 0) return [];
  gather(db, patients, charlson, true);
  gatherImaging(db, patients, true);
  const out: IndexAdmission[] = [];
  for (const records of patients.values()) if (records.inpatient.length > 0) out.push(...admissionsOfPatient(records, charlson, options));
  return out;
}

function admissionsOfPatient(records: PatientRecords, charlson: CharlsonComorbidity, options: ExtractIndexAdmissionsOptions): IndexAdmission[] {
  const { patient, inpatient, edStarts, conditions, byEncounter, imagingDays } = records;
  const followUpEnd = options.followUpEndDay?.(patient.pseudonym) ?? null;
  const out: IndexAdmission[] = [];
  for (const stay of inpatient) {
    const { admitDay, dischargeDay } = stay;
    if (stay.body.status !== 'finished' || dischargeDay === null) continue;
    const hospitalization = (stay.body.hospitalization ?? {}) as Json;
    if (firstCode(hospitalization.dischargeDisposition) === 'exp') continue;
    if (followUpEnd !== null && dischargeDay + READMISSION_WINDOW_DAYS > followUpEnd) continue;

    const next = inpatient
      .map((s) => s.admitDay - dischargeDay)
      .filter((d) => d >= 1 && d <= READMISSION_WINDOW_DAYS)
      .sort((a, b) => a - b)[0];
    const admitSource = firstCode(hospitalization.admitSource);
    const emergencyAdmission =
      admitSource !== null ? admitSource === 'emd' : URGENT_PRIORITIES.has(firstCode(stay.body.priority) ?? '');

    const categories = new Set<string>();
    for (const c of conditions) if (c.day <= admitDay) for (const k of c.categories) categories.add(k);

    const stayResources = stayResourcesOf(byEncounter.get(stay.id) ?? []);
    const ageYears = patient.birth_day !== null ? wholeYearsBetween(patient.birth_day, admitDay) : ageOfGroup(patient.age_group);
    out.push({
      pseudonym: patient.pseudonym,
      encounterKey: stay.key,
      admitDay,
      dischargeDay,
      readmitted30d: next === undefined ? 0 : 1,
      daysToReadmission: next ?? null,
      features: {
        ageYears,
        ageGroup: patient.age_group,
        sex: patient.sex,
        lengthOfStayDays: dischargeDay - admitDay,
        emergencyAdmission,
        charlsonIndex: charlson.index(categories),
        charlsonCategories: [...categories].sort(),
        priorEdVisits6m: edStarts.filter((d) => d >= admitDay - PRIOR_ED_WINDOW_DAYS && d < admitDay).length,
        priorAdmissions12m: inpatient.filter((s) => s.admitDay >= admitDay - PRIOR_ADMISSION_WINDOW_DAYS && s.admitDay < admitDay).length,
        dischargeHemoglobinGdl: stayResources.hb?.value ?? null,
        dischargeSodiumMmolL: stayResources.na?.value ?? null,
        proceduresDuringStay: stayResources.procedures,
        oncology: charlson.hasOncology(categories),
        activeMedications: stayResources.medications.size,
        imagingStudiesDuringStay: imagingDays.filter((d) => d >= admitDay && d <= dischargeDay).length,
        pgxAlert: options.pgxAlert ? options.pgxAlert(patient.pseudonym, stayResources.medicationCodes) : null,
      },
      medicationCodes: stayResources.medicationCodes,
    });
  }
  return out;
}

/** The last hemoglobin and sodium, medications and procedures of one stay, from the resources referencing it. */
function stayResourcesOf(linked: readonly LinkedResource[]) {
  let hb: { day: number; value: number } | null = null;
  let na: { day: number; value: number } | null = null;
  const medications = new Set<string>();
  const medicationCodes: string[] = [];
  let procedures = 0;
  for (const resource of linked) {
    const { codes } = resource;
    if (resource.type === 'Observation') {
      const day = resource.day ?? Number.NEGATIVE_INFINITY;
      if (codes.includes(`${LOINC}|${HEMOGLOBIN_LOINC}`)) {
        const value = hemoglobinGdl(resource.valueQuantity);
        if (value !== null && (hb === null || day >= hb.day)) hb = { day, value };
      } else if (codes.includes(`${LOINC}|${SODIUM_LOINC}`)) {
        const value = quantity(resource.valueQuantity)?.value ?? null;
        if (value !== null && (na === null || day >= na.day)) na = { day, value };
      }
    } else if (resource.type === 'MedicationRequest') {
      medicationCodes.push(...codes);
      // The order's own code comes first; ingredient codes the import derives for PGx alerts
      // (features/pgx/medication-ingredients.ts) follow it and must not count as more drugs.
      const primary = codes.find((c) => c.startsWith(`${RXNORM}|`));
      if (primary) medications.add(primary);
    } else if (resource.type === 'Procedure') {
      procedures++;
    }
  }
  return { hb, na, medications, medicationCodes, procedures };
}
