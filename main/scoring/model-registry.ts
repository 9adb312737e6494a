// The model registry: versions with stages (candidate, active, retired), their cards and bytes. A
// model's id is the SHA-256 of its ONNX bytes; the bytes are hashed again before every load, so a
// row edited on disk is refused rather than run. Activation and rollback are recorded in order.
import { createHash } from 'node:crypto';
import type { ModelCard, ModelSource, ModelStage, ModelSummary } from '../api/contract.ts';
import { FEATURE_SET } from '../features/readmission/feature-set.ts';
import type { WritableDB } from '../store/database.ts';
import { sql } from '../store/sql.ts';
import { EngineSetupError, InvalidInputError } from '../util/errors.ts';

interface ModelRow {
  id: string;
  name: string;
  version: string;
  kind: string;
  stage: ModelStage;
  source: ModelSource;
  size: number;
  card: string;
  training_run_id: number | null;
  local_evaluation: string | null;
  registered_at: string;
  activated_at: string | null;
}

/** What is registered: the bytes, their card and where they came from. */
export interface ModelRegistration {
  onnx: Uint8Array;
  card: ModelCard;
  source: ModelSource;
  signature?: string | null;
  trainingRunId?: number | null;
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const SUMMARY_COLUMNS = sql`id, name, version, kind, stage, source, length(onnx) AS size, card, training_run_id, local_evaluation, registered_at, activated_at`;

function summary(row: ModelRow): ModelSummary {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    kind: row.kind,
    stage: row.stage,
    source: row.source,
    sizeBytes: row.size,
    registeredAt: row.registered_at,
    activatedAt: row.activated_at,
    card: JSON.parse(row.card) as ModelCard,
    trainingRunId: row.training_run_id,
    localEvaluation: row.local_evaluation ? (JSON.parse(row.local_evaluation) as ModelSummary['localEvaluation']) : null,
  };
}

export class ModelRegistry {
  /** Reads go through the writer too, so a read inside a registering transaction sees its rows. */
  constructor(private readonly writer: WritableDB) {}

  private get reader(): WritableDB {
    return this.writer;
  }

  /** Registers a model as a candidate; registering the same bytes again returns the existing entry. */
  register(registration: ModelRegistration, now = new Date()): ModelSummary {
    const id = sha256Hex(registration.onnx);
    const existing = this.get(id);
    if (existing) return existing;
    const { card } = registration;
    if (card.featureSet.name !== FEATURE_SET.name || card.featureSet.version !== FEATURE_SET.version) {
      throw new InvalidInputError(
        `The model was built for feature set ${card.featureSet.name} ${card.featureSet.version}; this node computes ${FEATURE_SET.name} ${FEATURE_SET.version}.`,
        'model-feature-set-mismatch',
      );
    }
    this.writer.run(sql`INSERT INTO model (id, name, version, kind, stage, source, onnx, card, feature_set_name, feature_set_version, signature, training_run_id, registered_at)
      VALUES (${id}, ${card.name}, ${card.version}, ${card.kind}, 'candidate', ${registration.source}, ${Buffer.from(registration.onnx)},
        ${JSON.stringify(card)}, ${card.featureSet.name}, ${card.featureSet.version}, ${registration.signature ?? null},
        ${registration.trainingRunId ?? null}, ${now.toISOString()})`);
    return this.get(id)!;
  }

  get(id: string): ModelSummary | null {
    const row = this.reader.get<ModelRow>(sql`SELECT ${SUMMARY_COLUMNS} FROM model WHERE id = ${id}`);
    return row ? summary(row) : null;
  }

  /** Active first, then candidates, then retired; newest first within a stage. */
  list(): ModelSummary[] {
    return this.reader
      .all<ModelRow>(sql`SELECT ${SUMMARY_COLUMNS} FROM model
        ORDER BY CASE stage WHEN 'active' THEN 0 WHEN 'candidate' THEN 1 ELSE 2 END, registered_at DESC, id`)
      .map(summary);
  }

  active(): ModelSummary | null {
    const row = this.reader.get<ModelRow>(sql`SELECT ${SUMMARY_COLUMNS} FROM model WHERE stage = 'active'`);
    return row ? summary(row) : null;
  }

  /** The model's ONNX bytes after checking them against their id (the pinned digest). */
  loadVerified(id: string): Uint8Array {
    const bytes = this.reader.pluck<Buffer>(sql`SELECT onnx FROM model WHERE id = ${id}`);
    if (!bytes) throw new InvalidInputError(`No model ${id} in the registry.`, 'model-not-found');
    if (sha256Hex(bytes) !== id) {
      throw new EngineSetupError(`Model ${id.slice(0, 12)}… does not match its SHA-256 (altered in the database); it will not be loaded.`, 'model-digest-mismatch');
    }
    return new Uint8Array(bytes);
  }

  /** Makes `id` the active model and retires the previous one, in one transaction. */
  activate(id: string, actor: string, reason: 'initial' | 'activate' | 'rollback' = 'activate', now = new Date()): { model: ModelSummary; previous: ModelSummary | null } {
    const target = this.get(id);
    if (!target) throw new InvalidInputError(`No model ${id} in the registry.`, 'model-not-found');
    if (target.card.featureSet.version !== FEATURE_SET.version) {
      throw new InvalidInputError(
        `${target.name} ${target.version} was built for feature set ${target.card.featureSet.version}; this version computes ${FEATURE_SET.version}, so it cannot be activated.`,
        'model-feature-set-mismatch',
      );
    }
    this.loadVerified(id);
    const previous = this.active();
    if (previous?.id === id) throw new InvalidInputError(`${target.name} ${target.version} is already the active model.`, 'model-already-active');
    const at = now.toISOString();
    this.writer.transaction(() => {
      if (previous) this.writer.run(sql`UPDATE model SET stage = 'retired', retired_at = ${at} WHERE id = ${previous.id}`);
      this.writer.run(sql`UPDATE model SET stage = 'active', activated_at = ${at}, retired_at = NULL WHERE id = ${id}`);
      this.writer.run(sql`INSERT INTO model_activation (model_id, previous_model_id, at, actor, reason)
        VALUES (${id}, ${previous?.id ?? null}, ${at}, ${actor}, ${reason})`);
    });
    return { model: this.get(id)!, previous };
  }

  /** Records the model's metrics on this store's admissions. */
  recordLocalEvaluation(id: string, evaluation: NonNullable<ModelSummary['localEvaluation']>): ModelSummary {
    this.writer.run(sql`UPDATE model SET local_evaluation = ${JSON.stringify(evaluation)} WHERE id = ${id}`);
    return this.get(id)!;
  }

  /** Re-activates the model that was active before the current one. */
  rollback(actor: string, now = new Date()): { model: ModelSummary; previous: ModelSummary | null } {
    const active = this.active();
    const last = active
      ? this.reader.get<{ previous_model_id: string | null }>(sql`SELECT previous_model_id FROM model_activation
          WHERE model_id = ${active.id} ORDER BY seq DESC LIMIT 1`)
      : undefined;
    if (!last?.previous_model_id) throw new InvalidInputError('There is no earlier active model to roll back to.', 'no-rollback-target');
    return this.activate(last.previous_model_id, actor, 'rollback', now);
  }
}
