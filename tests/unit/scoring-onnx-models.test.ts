// ONNX graphs we build with protobufjs load in onnxruntime-node and score like the TypeScript
// reference evaluation of the same weights.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildLogisticOnnx, buildMlpOnnx, logisticRisk, mlpRisk, type LogisticModel, type MlpModel } from '../../main/scoring/risk-model-graphs.ts';
import { onnxMetadata } from '../../main/scoring/onnx-proto.ts';
import { RiskSession } from '../../main/scoring/risk-session.ts';

const F = 13;
const IDENTITY = { name: 'readmission-test', featureSetName: 'readmission-30d', featureSetVersion: '1.0.0' };

function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296);
}
const rand = uniform(12345);
const randn = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

const names = Array.from({ length: F }, (_, j) => `f${j}`);
const standardisation = { mean: names.map(() => 3 * randn()), scale: names.map(() => 0.5 + 2 * rand()) };
const logistic: LogisticModel = { featureNames: names, standardisation, weights: names.map(() => 0.4 * randn()), intercept: -1.7 };
const H = 8;
const mlp: MlpModel = {
  featureNames: names,
  standardisation,
  hiddenWeights: names.map(() => Array.from({ length: H }, () => 0.5 * randn())),
  hiddenBias: Array.from({ length: H }, () => 0.2 * randn()),
  outputWeights: Array.from({ length: H }, () => 0.5 * randn()),
  outputBias: -1,
};
const ROWS = 2000;
const rows = Float32Array.from({ length: ROWS * F }, (_, k) => standardisation.mean[k % F]! + 2 * standardisation.scale[k % F]! * randn());

let logisticSession: RiskSession;
let mlpSession: RiskSession;
before(async () => {
  logisticSession = await RiskSession.create(buildLogisticOnnx(logistic, IDENTITY), F);
  mlpSession = await RiskSession.create(buildMlpOnnx(mlp, IDENTITY), F);
});
after(async () => {
  await logisticSession.close();
  await mlpSession.close();
});

function maxDifference(onnx: Float32Array, reference: (x: Float32Array) => number): number {
  let worst = 0;
  for (let r = 0; r < ROWS; r++) worst = Math.max(worst, Math.abs(onnx[r]! - reference(rows.subarray(r * F, (r + 1) * F))));
  return worst;
}

test('the logistic regression graph scores like the TypeScript evaluation to 1e-6', async () => {
  const risks = await logisticSession.score(rows, 512); // several batches, one partial
  assert.equal(risks.length, ROWS);
  assert.ok(maxDifference(risks, (x) => logisticRisk(logistic, x)) < 1e-6);
});

test('the one-hidden-layer MLP graph scores like the TypeScript evaluation to 1e-6', async () => {
  const risks = await mlpSession.score(rows);
  assert.ok(maxDifference(risks, (x) => mlpRisk(mlp, x)) < 1e-6);
});

test('the model records its feature set in the ONNX metadata', () => {
  const meta = onnxMetadata(buildLogisticOnnx(logistic, IDENTITY));
  assert.equal(meta['dataspace.feature_set_version'], '1.0.0');
  assert.equal(meta['dataspace.kind'], 'logistic-regression');
  assert.deepEqual(JSON.parse(meta['dataspace.features']!), names);
});

test('rows that are not a whole number of feature vectors are refused', async () => {
  await assert.rejects(logisticSession.score(new Float32Array(F + 1)), RangeError);
  assert.throws(() => buildLogisticOnnx({ ...logistic, weights: [1] }, IDENTITY), RangeError);
});

test('batched onnxruntime inference throughput on 100k rows, against a TypeScript dot product', async (t) => {
  const n = 100_000;
  const big = new Float32Array(n * F);
  for (let k = 0; k < big.length; k++) big[k] = rows[k % rows.length]!;
  await logisticSession.score(big.subarray(0, 1000 * F)); // warm-up
  let start = process.hrtime.bigint();
  const onnx = await logisticSession.score(big);
  const onnxMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  const ts = new Float64Array(n);
  for (let r = 0; r < n; r++) ts[r] = logisticRisk(logistic, big.subarray(r * F, (r + 1) * F));
  const tsMs = Number(process.hrtime.bigint() - start) / 1e6;
  t.diagnostic(`100k rows × ${F}: onnxruntime ${onnxMs.toFixed(1)} ms, TypeScript ${tsMs.toFixed(1)} ms`);
  assert.ok(Math.abs(onnx[n - 1]! - ts[n - 1]!) < 1e-6);
});
