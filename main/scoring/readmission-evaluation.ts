// The model beside LACE and HOSPITAL on the same admissions: AUROC with its DeLong CI, Brier score,
// calibration and ECE, plus the points the Risk view draws (ROC, calibration deciles). LACE and
// HOSPITAL are integer points, not risks: for Brier and calibration each is mapped to a risk by a
// logistic recalibration (Cox 1958) fitted on the training admissions; AUROC uses the points as is.
import type { ModelMetrics, ScoreCurves, ScoreMetrics } from '../api/contract.ts';
import { fitLogisticIrls } from './logistic-training.ts';
import { delongAuroc, evaluateRisks } from './model-evaluation.ts';

/** A score-to-risk map: risk = σ(a + b · score). */
export interface Recalibration {
  intercept: number;
  slope: number;
}

/** Fits risk = σ(a + b · score) on labelled scores (maximum likelihood). */
export function fitRecalibration(scores: readonly number[], labels: readonly number[]): Recalibration {
  if (new Set(scores).size < 2) {
    const rate = labels.reduce((a, b) => a + b, 0) / Math.max(labels.length, 1);
    const p = Math.min(Math.max(rate, 1e-6), 1 - 1e-6);
    return { intercept: Math.log(p / (1 - p)), slope: 0 };
  }
  const { beta } = fitLogisticIrls(scores.map((s) => [1, s]), labels, { penalty: [0, 1e-6] });
  return { intercept: beta[0]!, slope: beta[1]! };
}

export const recalibratedRisk = (r: Recalibration, score: number) => 1 / (1 + Math.exp(-(r.intercept + r.slope * score)));

/** The contract's metrics of risks against outcomes; AUROC from `discrimination` when given (raw points). */
export function scoreMetrics(risks: readonly number[], labels: readonly number[], discrimination: readonly number[] = risks): ScoreMetrics {
  const e = evaluateRisks(risks, labels);
  const d = discrimination === risks ? e.auroc : delongAuroc(discrimination, labels);
  return {
    n: e.n,
    prevalence: e.prevalence,
    auroc: d.auroc,
    auroc95: d.ci95,
    brier: e.brier,
    calibrationSlope: e.calibration.slope,
    calibrationIntercept: e.calibration.intercept,
    ece: e.ece,
  };
}

/** ROC points from (0,0) to (1,1), one per distinct threshold, thinned to at most `maxPoints`. */
export function rocCurve(scores: readonly number[], labels: readonly number[], maxPoints = 200): [number, number][] {
  const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const positives = labels.reduce((a, b) => a + b, 0);
  const negatives = labels.length - positives;
  const points: [number, number][] = [[0, 0]];
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < order.length; ) {
    const threshold = scores[order[k]!]!;
    while (k < order.length && scores[order[k]!] === threshold) {
      if (labels[order[k]!] === 1) tp++;
      else fp++;
      k++;
    }
    points.push([negatives > 0 ? fp / negatives : 0, positives > 0 ? tp / positives : 0]);
  }
  if (points.length <= maxPoints) return points;
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, i) => points[Math.round(i * step)]!);
}

/** Deciles of predicted risk (by rank): mean predicted risk against the observed rate. */
export function calibrationCurve(risks: readonly number[], labels: readonly number[], groups = 10): ScoreCurves['calibration'] {
  const order = risks.map((_, i) => i).sort((a, b) => risks[a]! - risks[b]!);
  const out: ScoreCurves['calibration'] = [];
  for (let g = 0; g < groups; g++) {
    const from = Math.floor((g * order.length) / groups);
    const to = Math.floor(((g + 1) * order.length) / groups);
    if (to <= from) continue;
    let p = 0;
    let y = 0;
    for (let k = from; k < to; k++) {
      p += risks[order[k]!]!;
      y += labels[order[k]!]!;
    }
    out.push({ predicted: p / (to - from), observed: y / (to - from), n: to - from });
  }
  return out;
}

/** Scores of the same admissions: model risk and the two clinical point scores. */
export interface ComparedScores {
  risk: readonly number[];
  lace: readonly number[];
  hospital: readonly number[];
  labels: readonly number[];
}

/**
 * Metrics and curves of the model, LACE and HOSPITAL on `evaluation`; the clinical scores' risk
 * maps are fitted on `calibrationFit` (the training admissions), or on `evaluation` itself when the
 * whole store is being described (the Risk view), which is stated in the card.
 */
export function compareWithClinicalScores(
  evaluation: ComparedScores,
  calibrationFit: Pick<ComparedScores, 'lace' | 'hospital' | 'labels'> = evaluation,
): { metrics: ModelMetrics; curves: { model: ScoreCurves; lace: ScoreCurves; hospital: ScoreCurves }; recalibration: { lace: Recalibration; hospital: Recalibration } } {
  const { labels } = evaluation;
  const laceMap = fitRecalibration(calibrationFit.lace, calibrationFit.labels);
  const hospitalMap = fitRecalibration(calibrationFit.hospital, calibrationFit.labels);
  const laceRisk = evaluation.lace.map((s) => recalibratedRisk(laceMap, s));
  const hospitalRisk = evaluation.hospital.map((s) => recalibratedRisk(hospitalMap, s));
  return {
    metrics: {
      model: scoreMetrics(evaluation.risk, labels),
      lace: scoreMetrics(laceRisk, labels, evaluation.lace),
      hospital: scoreMetrics(hospitalRisk, labels, evaluation.hospital),
    },
    curves: {
      model: { roc: rocCurve(evaluation.risk, labels), calibration: calibrationCurve(evaluation.risk, labels) },
      lace: { roc: rocCurve(evaluation.lace, labels), calibration: calibrationCurve(laceRisk, labels) },
      hospital: { roc: rocCurve(evaluation.hospital, labels), calibration: calibrationCurve(hospitalRisk, labels) },
    },
    recalibration: { lace: laceMap, hospital: hospitalMap },
  };
}
