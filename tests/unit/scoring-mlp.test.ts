// The MLP trainer learns an interaction a logistic regression cannot, reproducibly, into a model
// whose ONNX graph scores like the reference; integrated gradients explain its logit additively.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { trainMlp } from '../../main/scoring/mlp-training.ts';
import { attributionOfRow, mlpAttributions, mlpIntegratedGradients, topFactors } from '../../main/scoring/model-attribution.ts';
import { trainLogistic } from '../../main/scoring/logistic-training.ts';
import { seededUniform } from '../../main/util/seeded-random.ts';
import { auroc } from '../../main/scoring/model-evaluation.ts';
import { buildMlpOnnx, logisticContributions, logisticRisk, mlpRisk, type MlpModel } from '../../main/scoring/risk-model-graphs.ts';
import { RiskSession } from '../../main/scoring/risk-session.ts';

const F = 13;
const NAMES = Array.from({ length: F }, (_, j) => `f${j}`);
const IDENTITY = { name: 'mlp-test', featureSetName: 'readmission-30d', featureSetVersion: '1.0.0' };

/**
 * Features on unrelated scales (mean 10 j, sd 1 + j). The outcome depends on the sign of the
 * product of f0 and f1 (an XOR, invisible to any linear score) plus a linear effect of f2.
 */
function interactionData(n: number, seed: number, intercept = -0.5): { rows: number[][]; labels: number[] } {
  const random = seededUniform(seed);
  const randn = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = NAMES.map((_, j) => 10 * j + (1 + j) * randn());
    const interaction = Math.sign(x[0]! * (x[1]! - 10));
    const logit = intercept + 2.5 * interaction + 0.5 * ((x[2]! - 20) / 3);
    rows.push(x);
    labels.push(random() < 1 / (1 + Math.exp(-logit)) ? 1 : 0);
  }
  return { rows, labels };
}

const train = interactionData(5000, 1);
const holdout = interactionData(5000, 2);
let fit: ReturnType<typeof trainMlp>;
let trainMs = 0;
const logit = (p: number) => Math.log(p / (1 - p));

before(() => {
  const start = process.hrtime.bigint();
  fit = trainMlp(NAMES, train.rows, train.labels, { seed: 3 });
  trainMs = Number(process.hrtime.bigint() - start) / 1e6;
});

test('the MLP learns an interaction that logistic regression cannot', (t) => {
  const logistic = trainLogistic(NAMES, train.rows, train.labels).model;
  const mlpAuroc = auroc(holdout.rows.map((x) => mlpRisk(fit.model, x)), holdout.labels);
  const logisticAuroc = auroc(holdout.rows.map((x) => logisticRisk(logistic, x)), holdout.labels);
  t.diagnostic(`5,000 × ${F} × 8 hidden, ${fit.epochs} epochs: ${trainMs.toFixed(0)} ms; held-out AUROC MLP ${mlpAuroc.toFixed(3)}, logistic ${logisticAuroc.toFixed(3)}`);
  assert.ok(mlpAuroc > 0.85, `MLP AUROC ${mlpAuroc}`);
  assert.ok(logisticAuroc < 0.65, `logistic AUROC ${logisticAuroc}`);
  assert.ok(Number.isFinite(fit.finalLoss) && fit.finalLoss > 0);
});

test('training is reproducible with the same seed and differs with another', () => {
  const small = { rows: train.rows.slice(0, 800), labels: train.labels.slice(0, 800) };
  const a = trainMlp(NAMES, small.rows, small.labels, { seed: 9, epochs: 20 });
  const b = trainMlp(NAMES, small.rows, small.labels, { seed: 9, epochs: 20 });
  const c = trainMlp(NAMES, small.rows, small.labels, { seed: 10, epochs: 20 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.model.hiddenWeights, c.model.hiddenWeights);
});

test('balanced class weights keep risks on the population scale (prior correction)', () => {
  const rare = interactionData(4000, 5, -4.5);
  const prevalence = rare.labels.reduce((s, y) => s + y, 0) / rare.labels.length;
  const weighted = trainMlp(NAMES, rare.rows, rare.labels, { seed: 3, classWeight: 'balanced', epochs: 60 });
  const meanRisk = rare.rows.reduce((s, x) => s + mlpRisk(weighted.model, x), 0) / rare.rows.length;
  assert.ok(prevalence < 0.2, `prevalence ${prevalence}`);
  assert.ok(Math.abs(meanRisk - prevalence) < 0.02, `mean risk ${meanRisk} against prevalence ${prevalence}`);
});

test('early stopping holds out a slice, keeps the best epoch and reports its loss', () => {
  const stopped = trainMlp(NAMES, train.rows, train.labels, { seed: 3, epochs: 400, validationFraction: 0.2, patience: 5 });
  assert.ok(stopped.epochs < 400, `ran ${stopped.epochs} epochs`);
  assert.ok(stopped.validationLoss !== undefined && stopped.validationLoss > 0);
});

test('invalid training input is refused', () => {
  assert.throws(() => trainMlp(NAMES, [], []), RangeError);
  assert.throws(() => trainMlp(NAMES, train.rows.slice(0, 3), [0, 1, 2]), RangeError);
  assert.throws(() => trainMlp(NAMES, [[1, 2]], [1]), RangeError);
  assert.throws(() => trainMlp(NAMES, train.rows.slice(0, 2), [0, 1], { hidden: 0 }), RangeError);
});

test.describe('the trained model as ONNX', () => {
  let session: RiskSession;
  before(async () => {
    session = await RiskSession.create(buildMlpOnnx(fit.model, IDENTITY), F);
  });
  after(async () => {
    await session.close();
  });

  // The graph computes in float32. Trained weights reach ~4, so hidden pre-activations reach ~20
  // and their float32 rounding (ulp ~2e-6) moves a risk near 0.5 by up to ~1e-6: a few of 5,000
  // rows land just over 1e-6, so the worst case gets 2e-6 and the mean a tighter bound.
  test('scores like mlpRisk to float32 precision (mean < 2e-7, worst < 2e-6)', async () => {
    const rows = Float32Array.from(holdout.rows.flat());
    const risks = await session.score(rows, 1024);
    let worst = 0;
    let total = 0;
    for (let r = 0; r < holdout.rows.length; r++) {
      const difference = Math.abs(risks[r]! - mlpRisk(fit.model, rows.subarray(r * F, (r + 1) * F)));
      worst = Math.max(worst, difference);
      total += difference;
    }
    assert.ok(total / holdout.rows.length < 2e-7, `mean difference ${total / holdout.rows.length}`);
    assert.ok(worst < 2e-6, `largest difference ${worst}`);
  });
});

/** Per-row upper bound of the trapezoid rule's completeness error: Σ_h |w2_h u_h| / (2 steps). */
function trapezoidBound(model: MlpModel, x: readonly number[], steps: number): number {
  const { mean, scale } = model.standardisation;
  return model.outputWeights.reduce((s, w2, h) => {
    const u = x.reduce((a, v, j) => a + ((v - mean[j]!) / scale[j]!) * model.hiddenWeights[j]![h]!, 0);
    return s + Math.abs(w2 * u) / (2 * steps);
  }, 0);
}

test('integrated gradients are complete: baseline + Σ contributions = logit(x)', () => {
  const baselineLogit = logit(mlpRisk(fit.model, fit.model.standardisation.mean));
  for (const x of holdout.rows.slice(0, 200)) {
    const exact = mlpIntegratedGradients(fit.model, x);
    assert.ok(Math.abs(exact.baseline - baselineLogit) < 1e-9);
    const total = exact.baseline + exact.contributions.reduce((s, c) => s + c.logit, 0);
    assert.ok(Math.abs(total - logit(mlpRisk(fit.model, x))) < 1e-8, `completeness off by ${total - logit(mlpRisk(fit.model, x))}`);
    // The paper's trapezoid estimate with 64 steps is within its bound; kinks make it inexact.
    const trapezoid = mlpIntegratedGradients(fit.model, x, 64);
    const trapezoidTotal = trapezoid.baseline + trapezoid.contributions.reduce((s, c) => s + c.logit, 0);
    assert.ok(Math.abs(trapezoidTotal - total) <= trapezoidBound(fit.model, x, 64) + 1e-12);
  }
});

test('the batch attributions equal the single-row ones and are complete on 100k rows', (t) => {
  const n = 100_000;
  const rows = new Float32Array(n * F);
  for (let k = 0; k < rows.length; k++) rows[k] = holdout.rows[Math.floor(k / F) % holdout.rows.length]![k % F]!;
  const start = process.hrtime.bigint();
  const batch = mlpAttributions(fit.model, rows, F);
  const exactMs = Number(process.hrtime.bigint() - start) / 1e6;
  const trapezoidStart = process.hrtime.bigint();
  mlpAttributions(fit.model, rows, F, 32);
  const trapezoidMs = Number(process.hrtime.bigint() - trapezoidStart) / 1e6;
  t.diagnostic(`100k rows × ${F}: exact integrated gradients ${exactMs.toFixed(0)} ms, 32-step trapezoid ${trapezoidMs.toFixed(0)} ms`);
  let worst = 0;
  for (let r = 0; r < n; r++) {
    let total = batch.baseline;
    for (let j = 0; j < F; j++) total += batch.contributions[r * F + j]!;
    worst = Math.max(worst, Math.abs(total - batch.logits[r]!));
  }
  assert.ok(worst < 1e-9, `completeness off by ${worst}`);
  const single = mlpIntegratedGradients(fit.model, rows.subarray(7 * F, 8 * F));
  const fromBatch = attributionOfRow(batch, NAMES, 7);
  assert.equal(fromBatch.baseline, single.baseline);
  fromBatch.contributions.forEach((c, j) => assert.ok(Math.abs(c.logit - single.contributions[j]!.logit) < 1e-12));
  assert.throws(() => mlpAttributions(fit.model, rows.subarray(0, F + 1), F), RangeError);
});

test('a feature the model ignores gets no attribution', () => {
  const ignoring: MlpModel = { ...fit.model, hiddenWeights: fit.model.hiddenWeights.map((r, j) => (j === 0 ? r.map(() => 0) : r)) };
  for (const x of holdout.rows.slice(0, 100)) {
    const extreme = [x[0]! + 1e3, ...x.slice(1)];
    const { contributions } = mlpIntegratedGradients(ignoring, extreme);
    assert.ok(Math.abs(contributions[0]!.logit) < 1e-12);
  }
  // And the trained model itself gives pure-noise features little weight next to the XOR pair.
  const meanAbs = (j: number) => holdout.rows.slice(0, 500).reduce((s, x) => s + Math.abs(mlpIntegratedGradients(fit.model, x).contributions[j]!.logit), 0) / 500;
  const strongest = Math.min(meanAbs(0), meanAbs(1));
  for (let j = 3; j < F; j++) assert.ok(meanAbs(j) < strongest / 4, `noise feature f${j}: ${meanAbs(j)} against ${strongest}`);
});

test('topFactors returns the largest contributions by magnitude with their signs', () => {
  const contributions = [
    { feature: 'age', logit: 0.2 },
    { feature: 'charlson', logit: -0.9 },
    { feature: 'los', logit: 0.5 },
    { feature: 'sodium', logit: -0.5 },
    { feature: 'ed_visits', logit: 0.05 },
  ];
  assert.deepEqual(topFactors(contributions), [
    { feature: 'charlson', logit: -0.9 },
    { feature: 'los', logit: 0.5 },
    { feature: 'sodium', logit: -0.5 },
  ]);
  assert.deepEqual(topFactors(contributions, 1), [{ feature: 'charlson', logit: -0.9 }]);
  assert.equal(topFactors(contributions, 10).length, 5);
  assert.equal(contributions[0]!.feature, 'age', 'the input is not reordered');

  const logistic = trainLogistic(NAMES, train.rows, train.labels).model;
  const explained = logisticContributions(logistic, holdout.rows[0]!);
  const top = topFactors(explained.contributions, 3);
  const magnitudes = explained.contributions.map((c) => Math.abs(c.logit)).sort((a, b) => b - a);
  assert.deepEqual(top.map((c) => Math.abs(c.logit)), magnitudes.slice(0, 3));
});
