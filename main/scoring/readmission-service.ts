// The readmission part of the api: registry, training and scoring tasks, the prediction log and
// risk thresholds, composed once by createEngine. Every activation, rollback, training run, scoring
// run and threshold change is audited.
import type { DataSpaceApi, ModelSummary, RiskThresholds, TaskState, TrainingResult } from '../api/contract.ts';
import { FEATURE_SET } from '../features/readmission/feature-set.ts';
import type { ReadableDB, WritableDB } from '../store/database.ts';
import { readSetting, settingValue, writeSetting } from '../store/engine-settings.ts';
import { sql } from '../store/sql.ts';
import { InvalidInputError } from '../util/errors.ts';
import { installBundledModels } from './bundled-models.ts';
import { ModelRegistry } from './model-registry.ts';
import { PredictionLog } from './prediction-log.ts';
import { ReadmissionTasks } from './readmission-tasks.ts';

type ReadmissionApi = Pick<
  DataSpaceApi,
  'listModels' | 'activateModel' | 'rollbackModel' | 'startTraining' | 'startScoring' | 'getTask' | 'cancelTask' | 'listRiskScores' | 'getRiskSummary' | 'setRiskThresholds' | 'evaluateModel'
>;

export interface ReadmissionServiceDeps {
  writer: WritableDB;
  reader: ReadableDB;
  databaseFile: string;
  modelsDir: string;
  institution: string;
  actor: string;
  audit(action: string, details: Record<string, unknown>): void;
  emit(type: 'task.progress' | 'task.finished', task: TaskState): void;
}

/** The readmission api plus what the engine and CLI need around it. */
export interface ReadmissionService extends ReadmissionApi {
  readonly registry: ModelRegistry;
  waitForTask(taskId: string): Promise<TaskState>;
  close(): Promise<void>;
}

export function createReadmissionService(deps: ReadmissionServiceDeps): ReadmissionService {
  const { writer, reader } = deps;
  const registry = new ModelRegistry(writer);
  const log = new PredictionLog(reader);
  const tasks = new ReadmissionTasks(deps.emit);

  for (const outcome of installBundledModels(registry, deps.modelsDir, deps.actor)) {
    if (outcome.outcome === 'registered') {
      deps.audit('model.register', { modelId: outcome.model.id, name: outcome.model.name, version: outcome.model.version, source: 'bundled' });
      if (outcome.activated) deps.audit('model.activate', { modelId: outcome.model.id, reason: 'initial', previous: null });
    } else if (outcome.outcome === 'refused') {
      deps.audit('model.refused', { file: outcome.file, reason: outcome.reason });
    }
  }

  const thresholds = (): RiskThresholds => ({
    moderate: Number(settingValue(reader, 'risk.threshold.moderate')),
    high: Number(settingValue(reader, 'risk.threshold.high')),
  });
  /** A model computes on the features of the set it was built for; another set's vectors would be silently wrong. */
  const requireCurrentFeatureSet = (model: ModelSummary) => {
    if (model.card.featureSet.version !== FEATURE_SET.version) {
      throw new InvalidInputError(
        `${model.name} ${model.version} was built for feature set ${model.card.featureSet.version}; this version computes ${FEATURE_SET.version}. Activate a model built for ${FEATURE_SET.version} (the bundled baseline is) or train one.`,
        'model-feature-set-mismatch',
      );
    }
  };
  const requireIdle = () => {
    if (tasks.busy()) throw new InvalidInputError('A training or scoring task is already running; wait for it or cancel it.', 'task-running');
  };

  return {
    registry,
    async listModels() {
      return { models: registry.list() };
    },
    async activateModel({ modelId }) {
      const { model, previous } = registry.activate(modelId, deps.actor);
      deps.audit('model.activate', { modelId, name: model.name, version: model.version, reason: 'activate', previous: previous?.id ?? null });
      return model;
    },
    async rollbackModel() {
      const { model, previous } = registry.rollback(deps.actor);
      deps.audit('model.rollback', { modelId: model.id, name: model.name, version: model.version, previous: previous?.id ?? null });
      return model;
    },
    async startTraining(options) {
      requireIdle();
      const now = new Date().toISOString();
      const taskId = tasks.start('train', { task: 'train', options, databaseFile: deps.databaseFile, now, institution: deps.institution }, (message) => {
        if (message.type !== 'trained') throw new Error('unexpected worker result');
        const { trained } = message;
        const lastBatch = reader.pluck<number>(sql`SELECT max(id) FROM import_batch`) ?? null;
        const result = writer.transaction((): TrainingResult => {
          const modelId = registry.register({ onnx: trained.onnx, card: trained.card, source: 'local-training' }).id;
          const runId = Number(
            writer.run(sql`INSERT INTO training_run (started_at, finished_at, parameters, data_snapshot, metrics, model_id)
              VALUES (${now}, ${new Date().toISOString()}, ${JSON.stringify(trained.parameters)},
                ${JSON.stringify({ ...trained.admissions, featureSet: trained.card.featureSet, lastImportBatch: lastBatch })},
                ${JSON.stringify(trained.metrics)}, ${modelId})`).lastInsertRowid,
          );
          writer.run(sql`UPDATE model SET training_run_id = ${runId} WHERE id = ${modelId} AND training_run_id IS NULL`);
          return { type: 'train', runId, model: registry.get(modelId)!, metrics: trained.metrics, admissions: trained.admissions, parameters: trained.parameters };
        });
        deps.audit('model.train', {
          runId: result.runId,
          modelId: result.model.id,
          parameters: result.parameters,
          admissions: result.admissions.total,
          auroc: { model: result.metrics.model.auroc, lace: result.metrics.lace.auroc, hospital: result.metrics.hospital.auroc },
        });
        return result;
      });
      return { taskId };
    },
    async startScoring() {
      requireIdle();
      const active = registry.active();
      if (!active) throw new InvalidInputError('No model is active. Activate one in the Models view or with `dataspace models activate`.', 'no-active-model');
      requireCurrentFeatureSet(active);
      const onnx = registry.loadVerified(active.id);
      const taskId = tasks.start(
        'score',
        { task: 'score', modelId: active.id, onnx, thresholds: thresholds(), databaseFile: deps.databaseFile, now: new Date().toISOString(), institution: deps.institution },
        (message) => {
          if (message.type !== 'scored') throw new Error('unexpected worker result');
          deps.audit('model.score', { runId: message.runId, modelId: active.id, admissions: message.admissions, levels: message.levels });
          return { type: 'score', runId: message.runId, modelId: active.id, admissions: message.admissions, levels: message.levels, seconds: message.seconds };
        },
      );
      return { taskId };
    },
    async evaluateModel({ modelId }) {
      requireIdle();
      const target = registry.get(modelId);
      if (!target) throw new InvalidInputError(`No model ${modelId} in the registry.`, 'model-not-found');
      requireCurrentFeatureSet(target);
      const onnx = registry.loadVerified(modelId);
      const request = { task: 'evaluate' as const, modelId, onnx, thresholds: thresholds(), databaseFile: deps.databaseFile, now: new Date().toISOString(), institution: deps.institution };
      const taskId = tasks.start('evaluate', request, (message) => {
        if (message.type !== 'evaluated') throw new Error('unexpected worker result');
        if (message.metrics) registry.recordLocalEvaluation(modelId, { metrics: message.metrics, admissions: message.admissions, evaluatedAt: new Date().toISOString() });
        deps.audit('model.evaluate', { modelId, admissions: message.admissions, auroc: message.metrics?.model.auroc ?? null });
        return { type: 'evaluate', modelId, admissions: message.admissions, metrics: message.metrics };
      });
      return { taskId };
    },
    async getTask({ taskId }) {
      return tasks.get(taskId);
    },
    async cancelTask({ taskId }) {
      return { cancelled: tasks.cancel(taskId) };
    },
    async listRiskScores(request) {
      return log.list(request, thresholds());
    },
    async getRiskSummary() {
      return log.summary(thresholds());
    },
    async setRiskThresholds(request) {
      if (!(request.moderate < request.high)) throw new InvalidInputError('The moderate threshold must be below the high threshold.', 'invalid-thresholds');
      const before = { moderate: readSetting(reader, 'risk.threshold.moderate'), high: readSetting(reader, 'risk.threshold.high') };
      writer.transaction(() => {
        writeSetting(writer, 'risk.threshold.moderate', String(request.moderate));
        writeSetting(writer, 'risk.threshold.high', String(request.high));
      });
      deps.audit('risk.thresholds', { before, after: request });
      return thresholds();
    },
    waitForTask(taskId) {
      return tasks.wait(taskId);
    },
    close() {
      return tasks.cancelAll();
    },
  };
}
