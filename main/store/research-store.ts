// Read side of the de-identified research store: counts, patients, timelines, batches.
import type {
  ImportBatchSummary,
  PatientDetail,
  PatientPage,
  PatientRow,
  PatientSortKey,
  RecordCounts,
  TimelineEvent,
} from '../api/contract.ts';
import type { ReadableDB } from './database.ts';
import { ImagingStore } from './imaging-store.ts';
import { sql, sqlId } from './sql.ts';

const sortColumns: Record<PatientSortKey, string> = {
  pseudonym: 'pseudonym',
  sex: 'sex',
  ageGroup: 'age_sort',
  encounters: 'encounters',
  conditions: 'conditions',
  observations: 'observations',
  medications: 'medications',
};

interface PatientDbRow {
  pseudonym: string;
  sex: string | null;
  age_group: string | null;
  encounters: number;
  conditions: number;
  observations: number;
  medications: number;
}

function toPatientRow(r: PatientDbRow): PatientRow {
  return {
    pseudonym: r.pseudonym,
    sex: r.sex,
    ageGroup: r.age_group,
    encounters: r.encounters,
    conditions: r.conditions,
    observations: r.observations,
    medications: r.medications,
  };
}

const MEDICATION_TYPES = ['MedicationRequest', 'MedicationStatement'];

export class ResearchStore {
  constructor(private readonly db: ReadableDB) {}

  counts(): RecordCounts {
    const byType = new Map(
      this.db
        .all<{ type: string; n: number }>(sql`SELECT type, count(*) AS n FROM resource GROUP BY type`)
        .map((r) => [r.type, r.n]),
    );
    const take = (...types: string[]) => types.reduce((sum, t) => sum + (byType.get(t) ?? 0), 0);
    const known = take('Encounter', 'Condition', 'Observation', 'Procedure', ...MEDICATION_TYPES);
    const all = [...byType.values()].reduce((a, b) => a + b, 0);
    return {
      patients: this.db.pluck<number>(sql`SELECT count(*) FROM patient`) ?? 0,
      encounters: take('Encounter'),
      conditions: take('Condition'),
      observations: take('Observation'),
      medications: take(...MEDICATION_TYPES),
      procedures: take('Procedure'),
      otherResources: all - known,
      importBatches: this.db.pluck<number>(sql`SELECT count(*) FROM import_batch`) ?? 0,
    };
  }

  listPatients(request: { offset: number; limit: number; sort?: PatientSortKey; descending?: boolean }): PatientPage {
    const column = sqlId(sortColumns[request.sort ?? 'pseudonym']);
    const direction = request.descending ? sql` DESC` : sql` ASC`;
    const total = this.db.pluck<number>(sql`SELECT count(*) FROM patient`) ?? 0;
    // age groups sort by their lower bound ('5-9' before '10-14', '90+' last)
    const rows = this.db.all<PatientDbRow>(sql`
      SELECT pseudonym, sex, age_group, encounters, conditions, observations, medications,
             CAST(age_group AS INTEGER) AS age_sort
      FROM patient ORDER BY ${column}${direction}, pseudonym LIMIT ${request.limit} OFFSET ${request.offset}`);
    return { total, offset: request.offset, patients: rows.map(toPatientRow) };
  }

  getPatient(pseudonym: string): PatientDetail | null {
    const row = this.db.get<PatientDbRow>(sql`
      SELECT pseudonym, sex, age_group, encounters, conditions, observations, medications
      FROM patient WHERE pseudonym = ${pseudonym}`);
    if (!row) return null;
    const events: { type: string; start_day: number | null; end_day: number | null; codes: string; body: string; detail?: string }[] = this.db.all<{ type: string; start_day: number | null; end_day: number | null; codes: string; body: string }>(sql`
      SELECT type, start_day, end_day, codes, body FROM resource
      WHERE pseudonym = ${pseudonym} ORDER BY start_day IS NULL, start_day, type`);
    // Imaging studies (DICOM) join the timeline in the same order: dated first, by day, then type.
    const imaging = new ImagingStore(this.db).timelineRows(pseudonym);
    if (imaging.length > 0) {
      events.push(...imaging);
      events.sort((a, b) => Number(a.start_day === null) - Number(b.start_day === null) || (a.start_day ?? 0) - (b.start_day ?? 0) || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    }
    const first = events.find((e) => e.start_day !== null)?.start_day ?? 0;
    const timeline: TimelineEvent[] = events.map((e) => ({
      day: e.start_day === null ? 0 : e.start_day - first,
      endDay: e.end_day === null ? null : e.end_day - first,
      type: e.type,
      codes: JSON.parse(e.codes) as string[],
      detail: e.detail ?? timelineDetail(e.type, e.body),
    }));
    return { patient: toPatientRow(row), timeline };
  }

  listBatches(): ImportBatchSummary[] {
    return this.db
      .all<{
        id: number;
        started_at: string;
        finished_at: string | null;
        status: string;
        policy_name: string;
        policy_version: string;
        files: number;
        accepted: number;
        rejected: number;
        skipped: number;
      }>(sql`SELECT * FROM import_batch ORDER BY id DESC LIMIT 200`)
      .map((b) => ({
        id: b.id,
        startedAt: b.started_at,
        finishedAt: b.finished_at,
        status: b.status,
        policyName: b.policy_name,
        policyVersion: b.policy_version,
        files: b.files,
        accepted: b.accepted,
        rejected: b.rejected,
        skipped: b.skipped,
      }));
  }
}

/** A short coded detail for the timeline: encounter class, observation value, statuses. */
function timelineDetail(type: string, bodyText: string): string | null {
  const body = JSON.parse(bodyText) as Record<string, unknown>;
  if (type === 'Encounter') {
    const cls = body.class as { code?: string } | undefined;
    return cls?.code ?? null;
  }
  if (type === 'Observation') {
    const q = body.valueQuantity as { value?: number; unit?: string; code?: string } | undefined;
    if (q && typeof q.value === 'number') return `${q.value} ${q.unit ?? q.code ?? ''}`.trim();
  }
  const status = body.status ?? body.clinicalStatus;
  return typeof status === 'string' ? status : null;
}
