// Discrimination and calibration of risk scores: AUROC with the DeLong 95% CI (DeLong ER et al.,
// Biometrics 1988;44(3):837-45, computed by mid-ranks as Sun X, Xu W, IEEE Signal Process Lett
// 2014;21(11):1389-93), Brier score, logistic recalibration slope and intercept (Cox 1958; Van
// Calster B et al., J Clin Epidemiol 2016;74:167-76) and expected calibration error.
import { fitLogisticIrls } from './logistic-training.ts';

const Z_975 = 1.959963984540054;

/** Mid-ranks (1-based) of values; ties share the mean of their ranks. */
function midRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && values[order[j]!] === values[order[i]!]) j++;
    for (let k = i; k < j; k++) ranks[order[k]!] = (i + 1 + j) / 2;
    i = j;
  }
  return ranks;
}

function split(scores: readonly number[], labels: readonly number[]): { pos: number[]; neg: number[] } {
  if (scores.length !== labels.length) throw new RangeError('scores and labels differ in length');
  const pos: number[] = [];
  const neg: number[] = [];
  scores.forEach((s, i) => (labels[i] === 1 ? pos : neg).push(s));
  if (pos.length === 0 || neg.length === 0) throw new RangeError('AUROC needs both classes');
  return { pos, neg };
}

/** AUROC with its DeLong standard error and 95% CI (clipped to [0, 1]). */
export interface AurocEstimate {
  auroc: number;
  se: number;
  ci95: [number, number];
  positives: number;
  negatives: number;
}

/** AUROC = P(score₊ > score₋) + ½ P(tie), with the DeLong variance from placement values. */
export function delongAuroc(scores: readonly number[], labels: readonly number[]): AurocEstimate {
  const { pos, neg } = split(scores, labels);
  const m = pos.length;
  const n = neg.length;
  const all = midRanks([...pos, ...neg]);
  const rPos = midRanks(pos);
  const rNeg = midRanks(neg);
  // V10_i: share of negatives below positive i (ties ½); V01_j: share of positives above negative j.
  const v10 = pos.map((_, i) => (all[i]! - rPos[i]!) / n);
  const v01 = neg.map((_, j) => 1 - (all[m + j]! - rNeg[j]!) / m);
  const auroc = v10.reduce((a, b) => a + b, 0) / m;
  const s10 = m > 1 ? v10.reduce((a, v) => a + (v - auroc) ** 2, 0) / (m - 1) : 0;
  const s01 = n > 1 ? v01.reduce((a, v) => a + (v - auroc) ** 2, 0) / (n - 1) : 0;
  const se = Math.sqrt(s10 / m + s01 / n);
  return { auroc, se, ci95: [Math.max(0, auroc - Z_975 * se), Math.min(1, auroc + Z_975 * se)], positives: m, negatives: n };
}

/** AUROC alone (Mann-Whitney with mid-ranks). */
export function auroc(scores: readonly number[], labels: readonly number[]): number {
  return delongAuroc(scores, labels).auroc;
}

/** Mean squared difference between predicted risk and outcome. */
export function brierScore(risks: readonly number[], labels: readonly number[]): number {
  return risks.reduce((a, p, i) => a + (p - labels[i]!) ** 2, 0) / risks.length;
}

/** Logistic recalibration of predicted risks. */
export interface Calibration {
  /** b of logit P(y) = a + b·logit(p): 1 is ideal, < 1 means too extreme predictions; NaN if all risks are equal. */
  slope: number;
  /** a of logit P(y) = a + logit(p) (slope fixed at 1, "calibration-in-the-large"): 0 is ideal. */
  intercept: number;
}

const logit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-12), 1 - 1e-12);
  return Math.log(q / (1 - q));
};

export function calibration(risks: readonly number[], labels: readonly number[]): Calibration {
  const lp = risks.map(logit);
  const interceptFit = fitLogisticIrls(lp.map(() => [1]), labels, { offset: lp });
  // With a single distinct risk the slope is not identifiable.
  const slope = new Set(lp).size > 1 ? fitLogisticIrls(lp.map((v) => [1, v]), labels).beta[1]! : Number.NaN;
  return { slope, intercept: interceptFit.beta[0]! };
}

/** ECE over equal-width risk bins: Σ (n_b / N) |mean risk_b − event rate_b|. */
export function expectedCalibrationError(risks: readonly number[], labels: readonly number[], bins = 10): number {
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  risks.forEach((p, i) => {
    const b = Math.min(Math.floor(p * bins), bins - 1);
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += labels[i]!;
  });
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b]! > 0) ece += (count[b]! / risks.length) * Math.abs(sumP[b]! / count[b]! - sumY[b]! / count[b]!);
  return ece;
}

/** Everything we report for a model on a test set. */
export interface RiskEvaluation {
  n: number;
  prevalence: number;
  auroc: AurocEstimate;
  brier: number;
  calibration: Calibration;
  ece: number;
}

export function evaluateRisks(risks: readonly number[], labels: readonly number[]): RiskEvaluation {
  return {
    n: risks.length,
    prevalence: labels.reduce((a, b) => a + b, 0) / labels.length,
    auroc: delongAuroc(risks, labels),
    brier: brierScore(risks, labels),
    calibration: calibration(risks, labels),
    ece: expectedCalibrationError(risks, labels),
  };
}
