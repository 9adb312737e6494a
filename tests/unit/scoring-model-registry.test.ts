// The model registry on an in-memory database: ids are digests, one active model, activations in
// order, rollback, and refusal of bytes altered after registration or built for another feature set.
// The bundled baseline is registered only when its bytes match the pin in the signed app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard } from '../../main/api/contract.ts';
import { FEATURE_NAMES, FEATURE_SET } from '../../main/features/readmission/feature-set.ts';
import { BUNDLED_MODELS, defaultModelsDir, installBundledModels } from '../../main/scoring/bundled-models.ts';
import { ModelRegistry, sha256Hex } from '../../main/scoring/model-registry.ts';
import { buildLogisticOnnx, modelParametersFromOnnx } from '../../main/scoring/risk-model-graphs.ts';
import { openMemory, type WritableDB } from '../../main/store/database.ts';
import { migrate } from '../../main/store/migrations/index.ts';
import { sql } from '../../main/store/sql.ts';
import { tempDir } from '../integration/helpers.ts';

const BASELINE = BUNDLED_MODELS[0]!;
const baselineCard = (): ModelCard => JSON.parse(readFileSync(join(defaultModelsDir(), BASELINE.cardFile), 'utf8')) as ModelCard;

/** A small logistic model whose intercept makes its bytes (and so its id) distinct. */
function candidate(intercept: number, featureSetVersion: string = FEATURE_SET.version): { onnx: Uint8Array; card: ModelCard } {
  const width = FEATURE_NAMES.length;
  const onnx = buildLogisticOnnx(
    {
      featureNames: [...FEATURE_NAMES],
      standardisation: { mean: new Array<number>(width).fill(0), scale: new Array<number>(width).fill(1) },
      weights: FEATURE_NAMES.map((_, j) => (j + 1) / 10),
      intercept,
    },
    { name: `readmission-test-${intercept}`, featureSetName: FEATURE_SET.name, featureSetVersion },
  );
  const card: ModelCard = { ...baselineCard(), name: `readmission-test-${intercept}`, version: String(intercept), featureSet: { name: FEATURE_SET.name, version: featureSetVersion } };
  return { onnx, card };
}

function registry(): { db: WritableDB; registry: ModelRegistry } {
  const db = openMemory();
  migrate(db);
  return { db, registry: new ModelRegistry(db) };
}

const activations = (db: WritableDB) =>
  db.all<{ model_id: string; previous_model_id: string | null; actor: string; reason: string }>(sql`SELECT model_id, previous_model_id, actor, reason FROM model_activation ORDER BY seq`);

const hasCode = (code: string) => (error: unknown) => (error as { code?: string }).code === code;

test('registering the same bytes twice returns the one entry, keyed by their SHA-256', () => {
  const { db, registry: r } = registry();
  const a = candidate(-1);
  const first = r.register({ ...a, source: 'local-training' });
  const again = r.register({ onnx: a.onnx, card: { ...a.card, name: 'another name' }, source: 'imported' });
  assert.equal(first.id, sha256Hex(a.onnx));
  assert.deepEqual(again, first);
  assert.equal(first.stage, 'candidate');
  assert.equal(first.source, 'local-training');
  assert.equal(first.sizeBytes, a.onnx.length);
  assert.equal(r.list().length, 1);
  assert.equal(r.active(), null);
  db.close();
});

test('activating a model retires the previous one and records the activation', () => {
  const { db, registry: r } = registry();
  const a = r.register({ ...candidate(-1), source: 'bundled' });
  const b = r.register({ ...candidate(-2), source: 'local-training' });
  assert.equal(r.activate(a.id, 'steward', 'initial').previous, null);
  const { model, previous } = r.activate(b.id, 'steward');
  assert.equal(model.stage, 'active');
  assert.equal(previous?.id, a.id);
  assert.equal(r.get(a.id)!.stage, 'retired');
  assert.equal(r.active()!.id, b.id);
  assert.deepEqual(r.list().map((m) => [m.id, m.stage]), [[b.id, 'active'], [a.id, 'retired']]);
  assert.deepEqual(activations(db), [
    { model_id: a.id, previous_model_id: null, actor: 'steward', reason: 'initial' },
    { model_id: b.id, previous_model_id: a.id, actor: 'steward', reason: 'activate' },
  ]);
  assert.throws(() => r.activate(b.id, 'steward'), hasCode('model-already-active'));
  assert.throws(() => r.activate('0'.repeat(64), 'steward'), hasCode('model-not-found'));
  db.close();
});

test('rollback re-activates the model that was active before the current one', () => {
  const { db, registry: r } = registry();
  const a = r.register({ ...candidate(-1), source: 'bundled' });
  const b = r.register({ ...candidate(-2), source: 'local-training' });
  r.activate(a.id, 'steward', 'initial');
  r.activate(b.id, 'steward');
  const { model, previous } = r.rollback('steward');
  assert.equal(model.id, a.id);
  assert.equal(previous?.id, b.id);
  assert.equal(r.active()!.id, a.id);
  assert.equal(r.get(b.id)!.stage, 'retired');
  assert.deepEqual(activations(db).at(-1), { model_id: a.id, previous_model_id: b.id, actor: 'steward', reason: 'rollback' });
  db.close();
});

test('rollback without an earlier active model is refused with no-rollback-target', () => {
  const { db, registry: r } = registry();
  assert.throws(() => r.rollback('steward'), (e: unknown) => e instanceof Error && e.name === 'InvalidInputError' && hasCode('no-rollback-target')(e));
  const a = r.register({ ...candidate(-1), source: 'bundled' });
  r.activate(a.id, 'steward', 'initial');
  assert.throws(() => r.rollback('steward'), (e: unknown) => e instanceof Error && e.name === 'InvalidInputError' && hasCode('no-rollback-target')(e));
  assert.equal(r.active()!.id, a.id);
  assert.equal(activations(db).length, 1);
  db.close();
});

test('bytes altered in the database are refused by loadVerified and activate', () => {
  const { db, registry: r } = registry();
  const a = r.register({ ...candidate(-1), source: 'bundled' });
  const b = r.register({ ...candidate(-2), source: 'local-training' });
  r.activate(a.id, 'steward', 'initial');
  assert.ok(Buffer.from(r.loadVerified(b.id)).equals(Buffer.from(candidate(-2).onnx)));
  const altered = Buffer.from(candidate(-2).onnx);
  altered[altered.length - 5]! ^= 0x01;
  db.run(sql`UPDATE model SET onnx = ${altered} WHERE id = ${b.id}`);
  assert.throws(() => r.loadVerified(b.id), hasCode('model-digest-mismatch'));
  assert.throws(() => r.activate(b.id, 'steward'), hasCode('model-digest-mismatch'));
  assert.equal(r.active()!.id, a.id, 'the active model is unchanged');
  assert.equal(r.get(b.id)!.stage, 'candidate');
  assert.equal(activations(db).length, 1);
  assert.throws(() => r.loadVerified('f'.repeat(64)), hasCode('model-not-found'));
  db.close();
});

test('a model built for another feature-set version is refused and not registered', () => {
  const { db, registry: r } = registry();
  const other = candidate(-1, '9.9.9');
  assert.throws(() => r.register({ ...other, source: 'imported' }), (e: unknown) => e instanceof Error && e.name === 'InvalidInputError' && hasCode('model-feature-set-mismatch')(e));
  assert.throws(() => r.register({ onnx: other.onnx, card: { ...other.card, featureSet: { name: 'another-set', version: FEATURE_SET.version } }, source: 'imported' }), hasCode('model-feature-set-mismatch'));
  assert.deepEqual(r.list(), []);
  db.close();
});

test('the bundled baseline is registered and activated when its bytes match the pin', () => {
  const { db, registry: r } = registry();
  const outcomes = installBundledModels(r, defaultModelsDir(), 'engine');
  assert.equal(outcomes.length, BUNDLED_MODELS.length);
  const outcome = outcomes[0]!;
  assert.equal(outcome.outcome, 'registered', JSON.stringify(outcome));
  if (outcome.outcome !== 'registered') return;
  assert.equal(outcome.activated, true);
  assert.equal(outcome.model.id, BASELINE.sha256);
  assert.equal(outcome.model.stage, 'active');
  assert.equal(outcome.model.source, 'bundled');
  assert.deepEqual(outcome.model.card.features.map((f) => f.name), FEATURE_SET.features.map((f) => f.name));
  assert.deepEqual(outcome.model.card.featureSet, { name: FEATURE_SET.name, version: FEATURE_SET.version });
  const bytes = r.loadVerified(BASELINE.sha256);
  assert.equal(sha256Hex(bytes), BASELINE.sha256);
  assert.deepEqual(modelParametersFromOnnx(bytes)?.model.featureNames, [...FEATURE_NAMES], 'the graph carries the same feature names');
  assert.deepEqual(activations(db), [{ model_id: BASELINE.sha256, previous_model_id: null, actor: 'engine', reason: 'initial' }]);
  assert.deepEqual(installBundledModels(r, defaultModelsDir(), 'engine'), [{ file: BASELINE.onnxFile, outcome: 'present' }]);
  db.close();
});

test('a bundled model file with one byte changed is refused and nothing is registered', (t) => {
  const dir = tempDir('bundled-tampered');
  t.after(dir.remove);
  const bytes = readFileSync(join(defaultModelsDir(), BASELINE.onnxFile));
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  writeFileSync(join(dir.path, BASELINE.onnxFile), bytes);
  copyFileSync(join(defaultModelsDir(), BASELINE.cardFile), join(dir.path, BASELINE.cardFile));
  const { db, registry: r } = registry();
  const [outcome] = installBundledModels(r, dir.path, 'engine');
  assert.equal(outcome!.outcome, 'refused');
  assert.match(outcome!.outcome === 'refused' ? outcome!.reason : '', /does not match the pinned/);
  assert.deepEqual(r.list(), []);
  assert.equal(r.active(), null);
  assert.deepEqual(activations(db), []);
  db.close();
});

test('a missing bundled model file is refused', (t) => {
  const dir = tempDir('bundled-missing');
  t.after(dir.remove);
  const { db, registry: r } = registry();
  const [outcome] = installBundledModels(r, dir.path, 'engine');
  assert.equal(outcome!.outcome, 'refused');
  assert.match(outcome!.outcome === 'refused' ? outcome!.reason : '', /is missing/);
  assert.deepEqual(r.list(), []);
  db.close();
});

test('after an upgrade of the feature set, the old active model is replaced by the new baseline and cannot come back', () => {
  const { db, registry: models } = registry();
  // A model of the previous feature set, active, as an older version of the app left it.
  const old = models.register({ ...candidate(-1), source: 'local-training' });
  models.activate(old.id, 'test');
  const card = { ...old.card, featureSet: { name: FEATURE_SET.name, version: '0.9.0' } };
  db.run(sql`UPDATE model SET card = ${JSON.stringify(card)}, feature_set_version = '0.9.0' WHERE id = ${old.id}`);
  const [outcome] = installBundledModels(models, defaultModelsDir(), 'upgrade');
  assert.equal(outcome!.outcome, 'registered');
  assert.equal(outcome?.outcome === 'registered' && outcome.activated, true);
  assert.equal(models.active()!.id, BASELINE.sha256);
  assert.throws(() => models.rollback('test'), { code: 'model-feature-set-mismatch' });
  assert.throws(() => models.activate(old.id, 'test'), { code: 'model-feature-set-mismatch' });
});
