// Index admissions and their 30-day readmission labels from the de-identified store. Dates in the
// store are per-patient shifted day numbers, so every window here is a difference of days of one
// patient, which the shift preserves (ARCHITECTURE.md, "Dates").
import type { ReadableDB } from '../../store/database.ts';
import { sql } from '../../store/sql.ts';
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

interface ResourceRow {
  key: string;
  type: string;
  pseudonym: string;
  start_day: number | null;
  end_day: number | null;
  codes: string;
  body: string;
}

interface PatientRow {
  pseudonym: string;
  sex: string | null;
  age_group: string | null;
  birth_day: number | null;
}

type Json = Record<string, unknown>;

const firstCode = (concept: unknown): string | null => {
  const coding = (concept as { coding?: { code?: unknown }[] } | undefined)?.coding;
  const code = coding?.[0]?.code;
  return typeof code === 'string' ? code : null;
};

const encounterRef = (body: Json): string | null => {
  const ref = (body.encounter as { reference?: unknown } | undefined)?.reference;
  return typeof ref === 'string' && ref.startsWith('Encounter/') ? ref.slice('Encounter/'.length) : null;
};

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

function quantity(body: Json): { value: number; unit: string } | null {
  const q = body.valueQuantity as { value?: unknown; unit?: unknown; code?: unknown } | undefined;
  if (typeof q?.value !== 'number') return null;
  const unit = typeof q.code === 'string' ? q.code : typeof q.unit === 'string' ? q.unit : '';
  return { value: q.value, unit };
}

/** Hemoglobin in g/dL; g/L (some sites) divided by 10. */
function hemoglobinGdl(body: Json): number | null {
  const q = quantity(body);
  if (q === null) return null;
  return q.unit === 'g/L' ? q.value / 10 : q.value;
}

interface Stay {
  row: ResourceRow;
  body: Json;
  id: string;
}

/**
 * Every finished inpatient (class IMP) Encounter with a discharge day and a disposition other than
 * death, with its features and label. Readmissions are index admissions themselves when eligible.
 */
export function extractIndexAdmissions(db: ReadableDB, options: ExtractIndexAdmissionsOptions = {}): IndexAdmission[] {
  const charlson = options.charlson ?? CharlsonComorbidity.load();
  const patients = new Map(
    db.all<PatientRow>(sql`SELECT pseudonym, sex, age_group, birth_day FROM patient`).map((p) => [p.pseudonym, p]),
  );
  const rows = db.all<ResourceRow>(sql`
    SELECT key, type, pseudonym, start_day, end_day, codes, body FROM resource
    WHERE type IN ('Encounter', 'Condition', 'Observation', 'MedicationRequest', 'Procedure')
    ORDER BY pseudonym, rowid`);
  const out: IndexAdmission[] = [];
  let i = 0;
  while (i < rows.length) {
    let j = i;
    while (j < rows.length && rows[j]!.pseudonym === rows[i]!.pseudonym) j++;
    const patient = patients.get(rows[i]!.pseudonym);
    if (patient) out.push(...admissionsOfPatient(patient, rows.slice(i, j), charlson, options));
    i = j;
  }
  return out;
}

function admissionsOfPatient(
  patient: PatientRow,
  rows: ResourceRow[],
  charlson: CharlsonComorbidity,
  options: ExtractIndexAdmissionsOptions,
): IndexAdmission[] {
  const inpatient: Stay[] = [];
  const edStarts: number[] = [];
  const byEncounter = new Map<string, { row: ResourceRow; body: Json }[]>();
  const conditions: { day: number; categories: string[] }[] = [];
  for (const row of rows) {
    if (row.type === 'Encounter') {
      const codes = JSON.parse(row.codes) as string[];
      if (codes.includes(`${ACT_CODE}|EMER`) && row.start_day !== null) edStarts.push(row.start_day);
      if (codes.includes(`${ACT_CODE}|IMP`) && row.start_day !== null) {
        const body = JSON.parse(row.body) as Json;
        inpatient.push({ row, body, id: String(body.id) });
      }
    } else if (row.type === 'Condition') {
      if (row.start_day === null) continue; // undated diagnoses cannot be placed before an admission
      const categories = (JSON.parse(row.codes) as string[]).map((c) => charlson.categoryOf(c)).filter((c): c is string => c !== null);
      if (categories.length > 0) conditions.push({ day: row.start_day, categories });
    } else {
      const body = JSON.parse(row.body) as Json;
      const ref = encounterRef(body);
      if (ref === null) continue;
      let list = byEncounter.get(ref);
      if (!list) byEncounter.set(ref, (list = []));
      list.push({ row, body });
    }
  }
  const followUpEnd = options.followUpEndDay?.(patient.pseudonym) ?? null;
  const out: IndexAdmission[] = [];
  for (const stay of inpatient) {
    const admitDay = stay.row.start_day!;
    const dischargeDay = stay.row.end_day;
    if (stay.body.status !== 'finished' || dischargeDay === null) continue;
    const hospitalization = (stay.body.hospitalization ?? {}) as Json;
    if (firstCode(hospitalization.dischargeDisposition) === 'exp') continue;
    if (followUpEnd !== null && dischargeDay + READMISSION_WINDOW_DAYS > followUpEnd) continue;

    const next = inpatient
      .map((s) => s.row.start_day! - dischargeDay)
      .filter((d) => d >= 1 && d <= READMISSION_WINDOW_DAYS)
      .sort((a, b) => a - b)[0];
    const admitSource = firstCode(hospitalization.admitSource);
    const emergencyAdmission =
      admitSource !== null ? admitSource === 'emd' : URGENT_PRIORITIES.has(firstCode(stay.body.priority) ?? '');

    const categories = new Set<string>();
    for (const c of conditions) if (c.day <= admitDay) for (const k of c.categories) categories.add(k);

    const linked = byEncounter.get(stay.id) ?? [];
    let hb: { day: number; value: number } | null = null;
    let na: { day: number; value: number } | null = null;
    const medications = new Set<string>();
    const medicationCodes: string[] = [];
    let procedures = 0;
    for (const { row, body } of linked) {
      const codes = JSON.parse(row.codes) as string[];
      if (row.type === 'Observation') {
        const day = row.start_day ?? Number.NEGATIVE_INFINITY;
        if (codes.includes(`${LOINC}|${HEMOGLOBIN_LOINC}`)) {
          const value = hemoglobinGdl(body);
          if (value !== null && (hb === null || day >= hb.day)) hb = { day, value };
        } else if (codes.includes(`${LOINC}|${SODIUM_LOINC}`)) {
          const value = quantity(body)?.value ?? null;
          if (value !== null && (na === null || day >= na.day)) na = { day, value };
        }
      } else if (row.type === 'MedicationRequest') {
        medicationCodes.push(...codes);
        // The order's own code comes first; ingredient codes the import derives for PGx alerts
        // (features/pgx/medication-ingredients.ts) follow it and must not count as more drugs.
        const primary = codes.find((c) => c.startsWith(`${RXNORM}|`));
        if (primary) medications.add(primary);
      } else if (row.type === 'Procedure') {
        procedures++;
      }
    }
    const ageYears = patient.birth_day !== null ? wholeYearsBetween(patient.birth_day, admitDay) : ageOfGroup(patient.age_group);
    out.push({
      pseudonym: patient.pseudonym,
      encounterKey: stay.row.key,
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
        priorAdmissions12m: inpatient.filter((s) => s.row.start_day! >= admitDay - PRIOR_ADMISSION_WINDOW_DAYS && s.row.start_day! < admitDay).length,
        dischargeHemoglobinGdl: hb?.value ?? null,
        dischargeSodiumMmolL: na?.value ?? null,
        proceduresDuringStay: procedures,
        oncology: charlson.hasOncology(categories),
        activeMedications: medications.size,
        pgxAlert: options.pgxAlert ? options.pgxAlert(patient.pseudonym, medicationCodes) : null,
      },
    });
  }
  return out;
}
