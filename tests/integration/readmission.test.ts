// Readmission models end to end on one generated site: train, activate, score and roll back through
// the command line and the engine api; the prediction log, risk thresholds, the audit trail,
// cancellation, and a scan proving that training and scoring add no patient identifier to the
// data folder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelSummary, RiskLevel, RiskThresholds, ScoreMetrics, TaskState } from '../../main/api/contract.ts';
import { generateConsortium, type InstitutionReport } from '../../main/demo/index.ts';
import type { Engine } from '../../main/engine.ts';
import { FEATURE_NAMES, featureMatrix } from '../../main/features/readmission/feature-set.ts';
import { runCli } from '../../main/host/cli.ts';
import { BUNDLED_MODELS } from '../../main/scoring/bundled-models.ts';
import { loadIndexAdmissions } from '../../main/scoring/readmission-admissions.ts';
import { riskLevel } from '../../main/scoring/readmission-scoring.ts';
import { openReadable, openWritable, type ReadableDB, type WritableDB } from '../../main/store/database.ts';
import { dataFolderLayout } from '../../main/store/data-folder.ts';
import { sql } from '../../main/store/sql.ts';
import { collectFhirMarkers, scanForMarkers, tempDir, testEngine, TEST_PASSPHRASE, writtenText } from './helpers.ts';

const SEED = 4242;
const PATIENTS = 1200;
const SITE = 'ukhd';
const BASELINE_ID = BUNDLED_MODELS[0]!.sha256;

let dir: ReturnType<typeof tempDir>;
let dataDir: string;
let fhirDir: string;
/** Index admissions of the store as the scoring worker sees them, by encounter key. */
let admissions: Map<string, ReturnType<typeof loadIndexAdmissions>[number]>;
let previousPassphrase: string | undefined;

interface PredictionRow {
  model_id: string;
  encounter_key: string;
  feature_hash: string;
  risk: number;
  level: RiskLevel;
  top_factors: string;
}

/** Loading admissions refreshes the feature cache, which writes. */
function withWritableDatabase<T>(load: (db: WritableDB) => T): T {
  const db = openWritable(dataFolderLayout(dataDir).database);
  try {
    return load(db);
  } finally {
    db.close();
  }
}

function withDatabase<T>(read: (db: ReadableDB) => T): T {
  const db = openReadable(dataFolderLayout(dataDir).database);
  try {
    return read(db);
  } finally {
    db.close();
  }
}

async function withEngine<T>(use: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await testEngine(dataDir);
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

/** `dataspace ARGS --data-dir DATA --json` in this process; stdout parsed as the one JSON object. */
async function cli<T>(...args: string[]): Promise<T> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--data-dir', dataDir, '--json'], { out: (s) => out.push(s), err: (s) => err.push(s) });
  assert.equal(code, 0, `dataspace ${args.join(' ')}: ${err.join('\n')}`);
  assert.equal(out.length, 1, 'exactly one JSON object on stdout');
  return JSON.parse(out[0]!) as T;
}

before(async () => {
  previousPassphrase = process.env.DATASPACE_PASSPHRASE;
  process.env.DATASPACE_PASSPHRASE = TEST_PASSPHRASE;
  dir = tempDir('readmission');
  dataDir = join(dir.path, 'data');
  const report = await generateConsortium({ outDir: join(dir.path, 'exports'), institutions: [SITE], patients: PATIENTS, seed: SEED });
  const site: InstitutionReport = report.institutions[0]!;
  fhirDir = join(report.outDir, site.paths.fhir);
  await withEngine(async (engine) => {
    const job = await engine.waitForImport((await engine.startImport({ paths: [fhirDir] })).jobId);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
  });
  admissions = new Map(withWritableDatabase(loadIndexAdmissions).map((a) => [a.encounterKey, a]));
});

after(() => {
  if (previousPassphrase === undefined) delete process.env.DATASPACE_PASSPHRASE;
  else process.env.DATASPACE_PASSPHRASE = previousPassphrase;
  dir.remove();
});

function assertMetrics(m: ScoreMetrics, what: string) {
  for (const key of ['auroc', 'brier', 'calibrationSlope', 'calibrationIntercept', 'ece'] as const) {
    assert.ok(Number.isFinite(m[key]), `${what}.${key} = ${m[key]}`);
  }
  const [lo, hi] = m.auroc95;
  assert.ok(lo <= m.auroc && m.auroc <= hi && lo >= 0 && hi <= 1, `${what}: AUROC ${m.auroc} in [${lo}, ${hi}]`);
  assert.ok(m.brier > 0 && m.brier < 0.25, `${what}: Brier ${m.brier}`);
  assert.ok(m.ece >= 0 && m.ece < 1, `${what}: ECE ${m.ece}`);
}

const featureHash = (encounterKey: string) => {
  const m = featureMatrix([admissions.get(encounterKey)!]);
  return createHash('sha256').update(Buffer.from(m.buffer, m.byteOffset, m.byteLength)).digest('hex').slice(0, 32);
};

/** Checks every stored prediction of `runId`; returns them. */
function checkRun(runId: number, modelId: string, thresholds: RiskThresholds): PredictionRow[] {
  const rows = withDatabase((db) =>
    db.all<PredictionRow>(sql`SELECT model_id, encounter_key, feature_hash, risk, level, top_factors FROM prediction WHERE run_id = ${runId} ORDER BY id`),
  );
  assert.equal(rows.length, admissions.size, 'one prediction per index admission');
  assert.equal(new Set(rows.map((r) => r.encounter_key)).size, rows.length);
  for (const r of rows) {
    assert.equal(r.model_id, modelId);
    assert.ok(admissions.has(r.encounter_key), `${r.encounter_key} is an index admission`);
    assert.match(r.feature_hash, /^[0-9a-f]{32}$/);
    assert.equal(r.feature_hash, featureHash(r.encounter_key), 'the hash is of the feature vector that was scored');
    assert.ok(r.risk > 0 && r.risk < 1);
    assert.equal(r.level, riskLevel(r.risk, thresholds));
    const factors = JSON.parse(r.top_factors) as { feature: string; logit: number }[];
    assert.equal(factors.length, 3);
    for (const f of factors) {
      assert.ok(FEATURE_NAMES.includes(f.feature), f.feature);
      assert.ok(Number.isFinite(f.logit), `${f.feature} ${f.logit}`);
    }
    for (let k = 1; k < factors.length; k++) assert.ok(Math.abs(factors[k - 1]!.logit) >= Math.abs(factors[k]!.logit), 'largest contributions first');
  }
  return rows;
}

const models = async () => (await cli<{ models: ModelSummary[] }>('models')).models;
const stageOf = (list: ModelSummary[], id: string) => list.find((m) => m.id === id)?.stage;

let trainedId: string;

test('the command line trains a candidate, activates it and scores every index admission', { timeout: 120_000 }, async () => {
  assert.ok(admissions.size > 400, `${admissions.size} index admissions`);
  assert.equal(stageOf(await models(), BASELINE_ID), 'active', 'the bundled baseline is active on first run');

  const trained = await cli<{ run: number; model: ModelSummary; admissions: { total: number; train: number; test: number; positives: number }; metrics: Record<'model' | 'lace' | 'hospital', ScoreMetrics> }>('train');
  for (const score of ['model', 'lace', 'hospital'] as const) assertMetrics(trained.metrics[score], score);
  assert.equal(trained.admissions.total, admissions.size);
  assert.equal(trained.admissions.train + trained.admissions.test, trained.admissions.total);
  assert.equal(trained.model.stage, 'candidate');
  assert.equal(trained.model.source, 'local-training');
  assert.equal(trained.model.trainingRunId, trained.run);
  assert.deepEqual(trained.model.card.metrics, trained.metrics);
  trainedId = trained.model.id;
  assert.equal(stageOf(await models(), trainedId), 'candidate');
  assert.equal(stageOf(await models(), BASELINE_ID), 'active', 'training does not activate');

  const activated = await cli<{ model: ModelSummary }>('models', 'activate', trainedId);
  assert.equal(activated.model.stage, 'active');
  const list = await models();
  assert.equal(stageOf(list, trainedId), 'active');
  assert.equal(stageOf(list, BASELINE_ID), 'retired');

  const scored = await cli<{ result: { runId: number; modelId: string; admissions: number; levels: Record<RiskLevel, number> }; thresholds: RiskThresholds; metrics: unknown }>('score');
  assert.equal(scored.result.modelId, trainedId);
  assert.equal(scored.result.admissions, admissions.size);
  assert.equal(scored.result.levels.low + scored.result.levels.moderate + scored.result.levels.high, admissions.size);
  assert.ok(scored.metrics, 'the store has both outcomes, so the run is evaluated');
  const rows = checkRun(scored.result.runId, trainedId, scored.thresholds);
  const stored = { low: 0, moderate: 0, high: 0 };
  for (const r of rows) stored[r.level]++;
  assert.deepEqual(stored, scored.result.levels);
});

test('the prediction log sorts, filters by level and follows the thresholds without rewriting stored levels', { timeout: 60_000 }, async () => {
  await withEngine(async (engine) => {
    const n = admissions.size;
    const page = await engine.listRiskScores({ offset: 0, limit: n });
    assert.equal(page.total, n);
    assert.equal(page.rows.length, n);
    for (let k = 1; k < n; k++) assert.ok(page.rows[k - 1]!.risk >= page.rows[k]!.risk, 'sorted by risk, highest first');
    const ascending = await engine.listRiskScores({ offset: 0, limit: 50, sort: 'lace', descending: false });
    for (let k = 1; k < ascending.rows.length; k++) assert.ok(ascending.rows[k - 1]!.lace <= ascending.rows[k]!.lace);

    const levelsWith = async (t: RiskThresholds) => {
      const counts: Record<RiskLevel, number> = { low: 0, moderate: 0, high: 0 };
      for (const level of ['low', 'moderate', 'high'] as const) {
        const filtered = await engine.listRiskScores({ offset: 0, limit: n, level });
        assert.equal(filtered.rows.length, filtered.total);
        for (const row of filtered.rows) {
          assert.equal(row.level, level);
          assert.equal(riskLevel(row.risk, t), level);
        }
        counts[level] = filtered.total;
      }
      return counts;
    };

    const before = await engine.getRiskSummary();
    assert.deepEqual(before.thresholds, { moderate: 0.15, high: 0.3 });
    assert.deepEqual(await levelsWith(before.thresholds), before.levels);
    assert.equal(before.levels.low + before.levels.moderate + before.levels.high, n);
    assert.equal(before.histogram.length, 20);
    assert.equal(before.histogram.reduce((s, b) => s + b.count, 0), n);
    assert.equal(before.run?.admissions, n);
    const roc = before.curves!.model.roc;
    assert.deepEqual(roc[0], [0, 0]);
    assert.deepEqual(roc.at(-1), [1, 1]);
    assert.ok(before.metrics && before.metrics.model.auroc > 0.5);

    const stricter = { moderate: 0.4, high: 0.6 };
    assert.deepEqual(await engine.setRiskThresholds(stricter), stricter);
    const after = await engine.getRiskSummary();
    assert.deepEqual(after.thresholds, stricter);
    assert.deepEqual(await levelsWith(stricter), after.levels);
    assert.notDeepEqual(after.levels, before.levels, 'levels follow the new thresholds');
    assert.ok(after.levels.high < before.levels.high);
    assert.deepEqual(after.histogram, before.histogram, 'the distribution does not depend on thresholds');
    await assert.rejects(engine.setRiskThresholds({ moderate: 0.5, high: 0.4 }), (e: Error & { code?: string }) => e.code === 'invalid-thresholds');

    const stored = withDatabase((db) =>
      db.all<{ level: RiskLevel; risk: number }>(sql`SELECT level, risk FROM prediction WHERE run_id = ${before.run!.id}`),
    );
    assert.ok(stored.every((r) => r.level === riskLevel(r.risk, before.thresholds)), 'the log keeps each level as it was at scoring time');
    await engine.setRiskThresholds(before.thresholds);
  });
});

test('rolling back returns to the bundled baseline', { timeout: 60_000 }, async () => {
  const { model } = await cli<{ model: ModelSummary }>('models', 'rollback');
  assert.equal(model.id, BASELINE_ID);
  const list = await models();
  assert.equal(stageOf(list, BASELINE_ID), 'active');
  assert.equal(stageOf(list, trainedId), 'retired');
});

test('an MLP trains, and its predictions carry integrated-gradient factors', { timeout: 120_000 }, async () => {
  const trained = await cli<{ model: ModelSummary; metrics: Record<'model' | 'lace' | 'hospital', ScoreMetrics> }>('train', '--kind', 'mlp');
  assert.equal(trained.model.kind, 'mlp-1-hidden-relu');
  assertMetrics(trained.metrics.model, 'mlp');
  await withEngine(async (engine) => {
    await engine.activateModel({ modelId: trained.model.id });
    const task = await engine.waitForTask((await engine.startScoring()).taskId);
    assert.equal(task.state, 'done', JSON.stringify(task.error));
    assert.equal(task.result?.type, 'score');
    if (task.result?.type !== 'score') return;
    checkRun(task.result.runId, trained.model.id, { moderate: 0.15, high: 0.3 });
    const summary = await engine.getRiskSummary();
    assert.equal(summary.run?.modelId, trained.model.id);
    assert.equal(summary.histogram.reduce((s, b) => s + b.count, 0), admissions.size);
  });
});

test('a cancelled scoring run leaves nothing in the log, and a second task is refused while one runs', { timeout: 60_000 }, async (t) => {
  const count = (db: ReadableDB) => ({
    runs: db.pluck<number>(sql`SELECT count(*) FROM score_run`)!,
    predictions: db.pluck<number>(sql`SELECT count(*) FROM prediction`)!,
  });
  const before = withDatabase(count);
  await withEngine(async (engine) => {
    const { taskId } = await engine.startScoring();
    await assert.rejects(engine.startScoring(), (e: Error & { code?: string }) => e.code === 'task-running');
    await assert.rejects(engine.startTraining({}), (e: Error & { code?: string }) => e.code === 'task-running');
    const { cancelled } = await engine.cancelTask({ taskId });
    const task: TaskState = await engine.waitForTask(taskId);
    const now = withDatabase(count);
    t.diagnostic(`task ended ${task.state} (cancel accepted: ${cancelled})`);
    if (task.state === 'cancelled') {
      assert.ok(cancelled);
      assert.deepEqual(now, before, 'no partial run');
    } else {
      // The run finished before the cancel reached the worker: then it is complete.
      assert.equal(task.state, 'done', JSON.stringify(task.error));
      assert.deepEqual(now, { runs: before.runs + 1, predictions: before.predictions + admissions.size });
    }
    assert.equal((await engine.getTask({ taskId }))?.state, task.state);
    assert.equal((await engine.cancelTask({ taskId })).cancelled, false, 'a finished task cannot be cancelled');
  });
});

test('every model action is audited and the chain verifies', { timeout: 60_000 }, async () => {
  await withEngine(async (engine) => {
    const entries = (await engine.listAudit({ offset: 0, limit: 1000 })).entries;
    const actions = new Set(entries.map((e) => e.action));
    for (const action of ['model.register', 'model.train', 'model.activate', 'model.score', 'model.rollback', 'risk.thresholds']) {
      assert.ok(actions.has(action), `${action} in the audit trail (${[...actions].join(', ')})`);
    }
    const activations = entries.filter((e) => e.action === 'model.activate').map((e) => e.details.modelId);
    assert.ok(activations.includes(BASELINE_ID) && activations.includes(trainedId));
    const verify = await engine.verifyAudit();
    assert.ok(verify.ok, JSON.stringify(verify.problems));
  });
});

test('training and scoring write no patient identifier to the data folder', { timeout: 60_000 }, () => {
  const patients = readdirSync(fhirDir)
    .filter((f) => /^Patient\..*\.ndjson$/.test(f))
    .flatMap((f) => readFileSync(join(fhirDir, f), 'utf8').split('\n'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { resourceType?: string }];
      } catch {
        return []; // blank lines and the generator's deliberately malformed ones
      }
    })
    .filter((r) => r.resourceType === 'Patient');
  assert.ok(patients.length >= PATIENTS * 0.99, `${patients.length} Patient resources read`);
  const markers = collectFhirMarkers(patients);
  assert.ok(markers.names.size > 50 && markers.identifiers.size > PATIENTS * 0.9, `${markers.names.size} names, ${markers.identifiers.size} identifiers`);
  const views = writtenText(dataDir);
  assert.ok(views.some((v) => v.file.endsWith('table prediction')), 'the prediction log was scanned');
  // One pass over every view with all classes at once (the store dump is large).
  const all = [markers.names, markers.identifiers, markers.phones, markers.emails, markers.streets].flatMap((set) => [...set]);
  assert.ok(scanForMarkers([{ file: 'export', text: JSON.stringify(patients[0]) }], all).length >= 2, 'the scan finds identifiers where they are');
  assert.deepEqual(scanForMarkers(views, all), [], `identifiers found in the data folder (${all.length} searched)`);
});
