// Read side of the imaging store: studies by modality, the review list of held-back DICOM files,
// imaging events on a patient's timeline; and the steward's one write, discarding a held-back file.
import type { ImagingStudyPage, QuarantinedFile, QuarantinePage } from '../api/contract.ts';
import { InvalidInputError } from '../util/errors.ts';
import type { ReadableDB, WritableDB } from './database.ts';
import { sql } from './sql.ts';

/** FHIR R4 ImagingStudy.modality codes come from the DICOM coding scheme (PS3.16 CID 29). */
export const DICOM_MODALITY_SYSTEM = 'http://dicom.nema.org/resources/ontology/DCM';

interface StudyRow {
  study_uid: string;
  pseudonym: string;
  modalities: string;
  study_day: number | null;
  series_count: number;
  instance_count: number;
  batch_id: number;
}

interface QuarantineRow {
  id: number;
  reason: string;
  sop_class_uid: string | null;
  modality: string | null;
  pseudonym: string | null;
  study_day: number | null;
  bytes: number;
  state: 'pending' | 'discarded';
  batch_id: number;
  decided_at: string | null;
  decided_by: string | null;
}

/** A timeline row as research-store.ts merges it with FHIR resources; `detail` is ready-made. */
export interface ImagingTimelineRow {
  type: string;
  start_day: number | null;
  end_day: number | null;
  codes: string;
  body: string;
  detail: string;
}

export class ImagingStore {
  constructor(private readonly db: ReadableDB) {}

  listStudies(request: { offset: number; limit: number; modality?: string }): ImagingStudyPage {
    // Modalities are stored space-separated: pad both sides to match whole codes only.
    const filter = request.modality ? sql` WHERE instr(' ' || modalities || ' ', ${` ${request.modality} `}) > 0` : sql``;
    const total = this.db.pluck<number>(sql`SELECT count(*) FROM imaging_study${filter}`) ?? 0;
    const rows = this.db.all<StudyRow>(sql`SELECT study_uid, pseudonym, modalities, study_day, series_count, instance_count, batch_id
      FROM imaging_study${filter} ORDER BY study_day IS NULL, study_day DESC, study_uid LIMIT ${request.limit} OFFSET ${request.offset}`);
    const byModality = this.db.all<{ modality: string; studies: number }>(sql`SELECT modality, count(DISTINCT study_uid) AS studies
      FROM imaging_series WHERE modality IS NOT NULL GROUP BY modality ORDER BY studies DESC, modality`);
    return {
      total,
      offset: request.offset,
      studies: rows.map((r) => ({
        studyUid: r.study_uid,
        pseudonym: r.pseudonym,
        modalities: r.modalities.split(' ').filter(Boolean),
        studyDay: r.study_day,
        series: r.series_count,
        instances: r.instance_count,
        batchId: r.batch_id,
      })),
      byModality,
    };
  }

  /** Pending files first (oldest first, the review queue), then decided ones, newest first. */
  listQuarantine(request: { offset: number; limit: number }): QuarantinePage {
    const total = this.db.pluck<number>(sql`SELECT count(*) FROM dicom_quarantine`) ?? 0;
    const pending = this.db.pluck<number>(sql`SELECT count(*) FROM dicom_quarantine WHERE state = 'pending'`) ?? 0;
    const rows = this.db.all<QuarantineRow>(sql`SELECT id, reason, sop_class_uid, modality, pseudonym, study_day, bytes, state, batch_id, decided_at, decided_by
      FROM dicom_quarantine ORDER BY state <> 'pending', CASE WHEN state = 'pending' THEN id ELSE -id END
      LIMIT ${request.limit} OFFSET ${request.offset}`);
    return { total, pending, offset: request.offset, items: rows.map(toQuarantinedFile) };
  }

  /** The patient's imaging studies as timeline rows: day, modality codes, series and instances. */
  timelineRows(pseudonym: string): ImagingTimelineRow[] {
    return this.db
      .all<StudyRow>(sql`SELECT study_uid, pseudonym, modalities, study_day, series_count, instance_count, batch_id
        FROM imaging_study WHERE pseudonym = ${pseudonym}`)
      .map((r) => ({
        type: 'ImagingStudy',
        start_day: r.study_day,
        end_day: null,
        codes: JSON.stringify(r.modalities.split(' ').filter(Boolean).map((m) => `${DICOM_MODALITY_SYSTEM}|${m}`)),
        body: '{}',
        detail: `${r.series_count} series, ${r.instance_count} instances`,
      }));
  }
}

function toQuarantinedFile(r: QuarantineRow): QuarantinedFile {
  return {
    id: r.id,
    reason: r.reason,
    sopClassUid: r.sop_class_uid,
    modality: r.modality,
    pseudonym: r.pseudonym,
    studyDay: r.study_day,
    bytes: r.bytes,
    state: r.state,
    batchId: r.batch_id,
    decidedAt: r.decided_at,
    decidedBy: r.decided_by,
  };
}

/**
 * Records a steward's decision to discard a held-back file. Returns its reason when it was
 * pending, null when it had already been discarded; an unknown id is an input error.
 */
export function discardQuarantinedFile(db: WritableDB, id: number, decidedBy: string, at: Date = new Date()): string | null {
  const row = db.get<{ reason: string; state: string }>(sql`SELECT reason, state FROM dicom_quarantine WHERE id = ${id}`);
  if (!row) throw new InvalidInputError(`There is no held-back DICOM file with id ${id}.`, 'not-found');
  if (row.state !== 'pending') return null;
  db.run(sql`UPDATE dicom_quarantine SET state = 'discarded', decided_at = ${at.toISOString()}, decided_by = ${decidedBy}
    WHERE id = ${id} AND state = 'pending'`);
  return row.reason;
}
