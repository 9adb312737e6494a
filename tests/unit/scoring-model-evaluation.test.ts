// Metrics and training against hand-computed small examples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  auroc, brierScore, calibration, delongAuroc, expectedCalibrationError,
} from '../../main/scoring/model-evaluation.ts';
import { fitLogisticIrls, stratifiedSplit, trainLogistic } from '../../main/scoring/logistic-training.ts';
import { logisticContributions, logisticLogit } from '../../main/scoring/risk-model-graphs.ts';

const close = (actual: number, expected: number, tol = 1e-9) => assert.ok(Math.abs(actual - expected) <= tol, `${actual} ≠ ${expected}`);

test('AUROC counts a tied positive-negative pair as one half', () => {
  // Positives 0.9, 0.8, 0.4; negatives 0.7, 0.4, 0.2: pairs won 3 + 3 + (0 + ½ + 1) = 7.5 of 9.
  close(auroc([0.9, 0.8, 0.4, 0.7, 0.4, 0.2], [1, 1, 1, 0, 0, 0]), 7.5 / 9);
  close(auroc([0.5, 0.5, 0.5, 0.5], [1, 0, 1, 0]), 0.5);
  close(auroc([1, 2, 3, 4], [0, 0, 1, 1]), 1);
  assert.throws(() => auroc([1, 2], [1, 1]), RangeError);
});

test('the DeLong variance matches the placement values worked by hand (DeLong 1988)', () => {
  // V10 = (1, 1, ½); V01 = (⅔, ⅚, 1); AUC = ⅚.
  // S10 = ((⅙)² + (⅙)² + (⅓)²) / 2 = 1/12; S01 = ((⅙)² + 0 + (⅙)²) / 2 = 1/36.
  // var = S10/3 + S01/3 = 1/36 + 1/108 = 1/27.
  const e = delongAuroc([0.9, 0.8, 0.4, 0.7, 0.4, 0.2], [1, 1, 1, 0, 0, 0]);
  close(e.auroc, 5 / 6);
  close(e.se, Math.sqrt(1 / 27));
  close(e.ci95[0], 5 / 6 - 1.959963984540054 * Math.sqrt(1 / 27));
  assert.equal(e.ci95[1], 1);
});

test('the mid-rank DeLong computation equals the direct pairwise one on tied random scores', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const labels = Array.from({ length: 300 }, () => (rand() < 0.2 ? 1 : 0));
  const scores = labels.map((y) => Math.round((rand() + 0.3 * y) * 20) / 20); // many ties
  const pos = scores.filter((_, i) => labels[i] === 1);
  const neg = scores.filter((_, i) => labels[i] === 0);
  const psi = (x: number, y: number) => (x > y ? 1 : x === y ? 0.5 : 0);
  const v10 = pos.map((x) => neg.reduce((a, y) => a + psi(x, y), 0) / neg.length);
  const v01 = neg.map((y) => pos.reduce((a, x) => a + psi(x, y), 0) / pos.length);
  const auc = v10.reduce((a, b) => a + b, 0) / pos.length;
  const s10 = v10.reduce((a, v) => a + (v - auc) ** 2, 0) / (pos.length - 1);
  const s01 = v01.reduce((a, v) => a + (v - auc) ** 2, 0) / (neg.length - 1);
  const e = delongAuroc(scores, labels);
  close(e.auroc, auc, 1e-12);
  close(e.se, Math.sqrt(s10 / pos.length + s01 / neg.length), 1e-12);
});

test('Brier score and ten-bin expected calibration error match hand sums', () => {
  close(brierScore([0.1, 0.9, 0.5], [0, 1, 1]), (0.01 + 0.01 + 0.25) / 3);
  // Bin 0: mean risk 0.05, event rate ½ → 0.45 × 2/4; bin 9: 0.95 vs 1 → 0.05 × 2/4. ECE = 0.25.
  close(expectedCalibrationError([0.05, 0.05, 0.95, 0.95], [0, 1, 1, 1]), 0.25);
  close(expectedCalibrationError([1, 1], [1, 1]), 0); // a risk of exactly 1 falls in the last bin
});

test('logistic recalibration recovers slope and intercept of a saturated two-group example', () => {
  // Risk 0.2 in 10 admissions with 1 event, risk 0.5 in 10 with 5: the two-parameter fit is saturated,
  // so a + b·logit(0.5) = logit(0.5) → a = 0 and b·logit(0.2) = logit(0.1) → b = ln 9 / ln 4.
  const risks = [...Array(10).fill(0.2), ...Array(10).fill(0.5)];
  const labels = [1, ...Array(9).fill(0), ...Array(5).fill(1), ...Array(5).fill(0)];
  const c = calibration(risks, labels);
  close(c.slope, Math.log(9) / Math.log(4), 1e-8);
  // All risks ½ and 1 event in 4: a = logit(¼) = −ln 3 with the slope fixed at 1.
  const flat = calibration([0.5, 0.5, 0.5, 0.5], [1, 0, 0, 0]);
  close(flat.intercept, -Math.log(3), 1e-8);
  assert.ok(Number.isNaN(flat.slope));
});

test('unpenalised IRLS reproduces the group log-odds of a binary predictor', () => {
  // x = 0: 1 event in 4 → logit ¼ = −ln 3; x = 1: 3 in 4 → ln 3, so β = (−ln 3, 2 ln 3).
  const design = [0, 0, 0, 0, 1, 1, 1, 1].map((x) => [1, x]);
  const fit = fitLogisticIrls(design, [1, 0, 0, 0, 1, 1, 1, 0]);
  assert.ok(fit.converged);
  close(fit.beta[0]!, -Math.log(3), 1e-9);
  close(fit.beta[1]!, 2 * Math.log(3), 1e-9);
});

test('class weighting with the prior correction keeps the intercept on the population scale', () => {
  const rows = [0, 0, 0, 0, 1, 1, 1, 1].map((x) => [x]);
  const labels = [1, 0, 0, 0, 1, 1, 1, 0];
  const plain = trainLogistic(['x'], rows, labels, { l2: 0 });
  const weighted = trainLogistic(['x'], rows, labels, { l2: 0, classWeight: 'balanced' });
  // Balanced classes here (4 and 4): weights are 1, so the fits coincide.
  close(weighted.model.intercept, plain.model.intercept, 1e-9);
  // The L2 penalty shrinks the weight toward zero.
  const shrunk = trainLogistic(['x'], rows, labels, { l2: 10 });
  assert.ok(Math.abs(shrunk.model.weights[0]!) < Math.abs(plain.model.weights[0]!));
});

test('the stratified split is seeded and keeps the prevalence in both parts', () => {
  const labels = Array.from({ length: 1000 }, (_, i) => (i % 7 === 0 ? 1 : 0));
  const a = stratifiedSplit(labels, 0.3, 1);
  assert.deepEqual(stratifiedSplit(labels, 0.3, 1), a);
  assert.notDeepEqual(stratifiedSplit(labels, 0.3, 2).test, a.test);
  assert.equal(a.train.length + a.test.length, 1000);
  assert.equal(new Set([...a.train, ...a.test]).size, 1000);
  const positives = labels.filter((y) => y === 1).length;
  assert.equal(a.test.filter((i) => labels[i] === 1).length, Math.round(0.3 * positives));
});

test('linear contributions add up exactly to the model logit', () => {
  const model = { featureNames: ['a', 'b', 'c'], standardisation: { mean: [1, 2, 3], scale: [2, 1, 0.5] }, weights: [0.5, -1, 0.25], intercept: -1.5 };
  const x = [4, 0.5, 3.2];
  const e = logisticContributions(model, x);
  close(e.baseline + e.contributions.reduce((s, c) => s + c.logit, 0), logisticLogit(model, x), 1e-12);
  close(e.contributions[0]!.logit, 0.5 * (4 - 1) / 2);
});
