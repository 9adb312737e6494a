// Write side of a DICOM import: studies, series and instances, patients first seen in DICOM,
// and held-back files. Runs on the import's writer thread inside the ordered op transactions.
// Idempotent: instances are keyed by their (de-identified) SOP Instance UID and held-back files
// by a keyed fingerprint, so a re-import adds no row and changes no count.
import type { WritableDB } from './database.ts';
import { sql } from './sql.ts';

/** A de-identified instance with the study and series it belongs to. No header value but codes. */
export interface StoredImagingInstance {
  pseudonym: string;
  studyUid: string;
  /** Shifted day number, or null when dates were not kept. */
  studyDay: number | null;
  seriesUid: string;
  modality: string | null;
  bodyPart: string | null;
  sopClassUid: string;
  sopInstanceUid: string;
  fileSha256: string;
  /** Relative to the data folder, with forward slashes. */
  relativePath: string;
  pixelSha256: string | null;
  frames: number | null;
  bytes: number;
  transferSyntax: string;
}

/** A patient first seen in DICOM; sex and age group only under Retain Patient Characteristics. */
export interface StoredImagingPatient {
  pseudonym: string;
  sex: string | null;
  ageGroup: string | null;
}

/** A file held back for review: the facts a reviewer needs, never its bytes, path or dates. */
export interface QuarantineRecord {
  reason: string;
  sopClassUid: string | null;
  modality: string | null;
  pseudonym: string | null;
  studyDay: number | null;
  bytes: number;
  sourceFingerprint: string;
}

export class ImagingWriter {
  private readonly insertPatient;
  private readonly findStudy;
  private readonly insertStudy;
  private readonly markStale;
  private readonly updateStudy;
  private readonly insertSeries;
  private readonly insertInstance;
  private readonly countInstance;
  private readonly countStudySeries;
  private readonly countStudyInstance;
  private readonly insertQuarantine;

  constructor(
    private readonly db: WritableDB,
    private readonly batchId: number,
  ) {
    // A FHIR Patient with the same pseudonym owns the demographics: never overwrite them.
    this.insertPatient = db.prepare(`INSERT INTO patient (pseudonym, sex, age_group, first_batch_id) VALUES (?, ?, ?, ?)
      ON CONFLICT(pseudonym) DO NOTHING`);
    this.findStudy = db.prepare(`SELECT modalities, study_day FROM imaging_study WHERE study_uid = ?`);
    this.insertStudy = db.prepare(`INSERT INTO imaging_study (study_uid, pseudonym, modalities, study_day, batch_id) VALUES (?, ?, ?, ?, ?)`);
    // A new or re-dated study changes the patient's imaging-during-stay feature (migration 0070).
    this.markStale = db.prepare(`INSERT INTO admission_features_stale (pseudonym) VALUES (?)
      ON CONFLICT(pseudonym) DO UPDATE SET generation = generation + 1`);
    this.updateStudy = db.prepare(`UPDATE imaging_study SET modalities = ?, study_day = ? WHERE study_uid = ?`);
    this.insertSeries = db.prepare(`INSERT INTO imaging_series (series_uid, study_uid, modality, body_part, sop_class_uid) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(series_uid) DO NOTHING`);
    this.insertInstance = db.prepare(`INSERT INTO imaging_instance
      (sop_instance_uid, series_uid, file_sha256, relative_path, pixel_sha256, frames, bytes, transfer_syntax, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(sop_instance_uid) DO NOTHING`);
    this.countInstance = db.prepare(`UPDATE imaging_series SET instance_count = instance_count + 1 WHERE series_uid = ?`);
    this.countStudySeries = db.prepare(`UPDATE imaging_study SET series_count = series_count + 1 WHERE study_uid = ?`);
    this.countStudyInstance = db.prepare(`UPDATE imaging_study SET instance_count = instance_count + 1 WHERE study_uid = ?`);
    this.insertQuarantine = db.prepare(`INSERT INTO dicom_quarantine
      (reason, sop_class_uid, modality, pseudonym, study_day, bytes, source_fingerprint, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source_fingerprint) DO NOTHING`);
  }

  addPatient(p: StoredImagingPatient): void {
    this.insertPatient.run(p.pseudonym, p.sex, p.ageGroup, this.batchId);
  }

  /** Returns true when the instance is new, false when it was already stored. */
  addInstance(r: StoredImagingInstance): boolean {
    this.upsertStudy(r);
    const newSeries = this.insertSeries.run(r.seriesUid, r.studyUid, r.modality, r.bodyPart, r.sopClassUid).changes > 0;
    if (newSeries) this.countStudySeries.run(r.studyUid);
    const inserted = this.insertInstance.run(
      r.sopInstanceUid, r.seriesUid, r.fileSha256, r.relativePath, r.pixelSha256, r.frames, r.bytes, r.transferSyntax, this.batchId,
    ).changes > 0;
    if (inserted) {
      this.countInstance.run(r.seriesUid);
      this.countStudyInstance.run(r.studyUid);
    }
    return inserted;
  }

  /** A study's modalities are the union over its series; its day is the first one known. */
  private upsertStudy(r: StoredImagingInstance): void {
    const existing = this.findStudy.get(r.studyUid) as { modalities: string; study_day: number | null } | undefined;
    if (!existing) {
      this.insertStudy.run(r.studyUid, r.pseudonym, r.modality ?? '', r.studyDay, this.batchId);
      if (r.studyDay !== null) this.markStale.run(r.pseudonym);
      return;
    }
    const modalities = new Set(existing.modalities.split(' ').filter(Boolean));
    if (r.modality) modalities.add(r.modality);
    const merged = [...modalities].sort().join(' ');
    const day = existing.study_day ?? r.studyDay;
    if (merged !== existing.modalities || day !== existing.study_day) this.updateStudy.run(merged, day, r.studyUid);
    if (day !== existing.study_day) this.markStale.run(r.pseudonym);
  }

  /** Returns true when the file was not held back before (by fingerprint). */
  quarantine(q: QuarantineRecord): boolean {
    return this.insertQuarantine.run(q.reason, q.sopClassUid, q.modality, q.pseudonym, q.studyDay, q.bytes, q.sourceFingerprint, this.batchId).changes > 0;
  }

  /** The DICOM profile, version and options in force for this batch, as JSON. */
  recordPolicy(policyJson: string): void {
    this.db.run(sql`UPDATE import_batch SET dicom_policy = ${policyJson} WHERE id = ${this.batchId}`);
  }
}
