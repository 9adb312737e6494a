// Logistic regression by iteratively reweighted least squares (Newton-Raphson) with an L2 penalty
// on the standardised weights (not the intercept) and optional class weights; a seeded stratified
// split. Small dense problems only (tens of features): the Hessian is solved by Cholesky.
import type { LogisticModel, Standardisation } from './risk-model-graphs.ts';
import { seededUniform } from '../util/seeded-random.ts';

/** Options of trainLogistic. */
export interface LogisticTrainingOptions {
  /** L2 penalty λ on the standardised weights: loss + λ/2 ‖w‖². Default 1. */
  l2?: number;
  /**
   * 'balanced' weights each class by n / (2 n_class). The intercept is then shifted back by
   * ln(w₊/w₋) (King & Zeng 2001 prior correction) so risks stay on the population scale.
   */
  classWeight?: 'none' | 'balanced';
  maxIterations?: number;
  tolerance?: number;
}

/** A fitted model and how the fit went. */
export interface LogisticFit {
  model: LogisticModel;
  iterations: number;
  converged: boolean;
}

/** Column means and standard deviations (a constant column gets scale 1). */
export function standardisationOf(rows: readonly (readonly number[])[]): Standardisation {
  const width = rows[0]?.length ?? 0;
  const mean = new Array<number>(width).fill(0);
  const scale = new Array<number>(width).fill(0);
  for (const r of rows) for (let j = 0; j < width; j++) mean[j]! += r[j]! / rows.length;
  for (const r of rows) for (let j = 0; j < width; j++) scale[j]! += (r[j]! - mean[j]!) ** 2 / Math.max(rows.length - 1, 1);
  return { mean, scale: scale.map((v) => (v > 1e-12 ? Math.sqrt(v) : 1)) };
}

/** Solves A x = b for symmetric positive definite A (Cholesky). */
export function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      if (i === j) {
        if (s <= 0) throw new RangeError('matrix is not positive definite');
        l[i]![i] = Math.sqrt(s);
      } else {
        l[i]![j] = s / l[j]![j]!;
      }
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

/**
 * Newton-Raphson on the penalised weighted log-likelihood. Column 0 of the design is the
 * intercept (unpenalised). `offset` is added to every linear predictor (used by recalibration).
 */
export function fitLogisticIrls(
  design: readonly (readonly number[])[],
  y: readonly number[],
  options: { penalty?: number[]; caseWeights?: readonly number[]; offset?: readonly number[]; maxIterations?: number; tolerance?: number } = {},
): { beta: number[]; iterations: number; converged: boolean } {
  const p = design[0]?.length ?? 0;
  const penalty = options.penalty ?? new Array<number>(p).fill(0);
  let beta = new Array<number>(p).fill(0);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const gradient = beta.map((b, j) => -penalty[j]! * b);
    const hessian = beta.map((_, i) => beta.map((__, j) => (i === j ? penalty[i]! : 0)));
    design.forEach((x, r) => {
      let eta = options.offset?.[r] ?? 0;
      for (let j = 0; j < p; j++) eta += x[j]! * beta[j]!;
      const mu = 1 / (1 + Math.exp(-eta));
      const w = options.caseWeights?.[r] ?? 1;
      const resid = w * (y[r]! - mu);
      const curvature = w * mu * (1 - mu);
      for (let i = 0; i < p; i++) {
        gradient[i]! += x[i]! * resid;
        for (let j = 0; j <= i; j++) hessian[i]![j]! += curvature * x[i]! * x[j]!;
      }
    });
    for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) hessian[j]![i] = hessian[i]![j]!;
    const step = solveSpd(hessian, gradient);
    beta = beta.map((b, j) => b + step[j]!);
    if (Math.max(...step.map(Math.abs)) < tolerance) return { beta, iterations: iteration, converged: true };
  }
  return { beta, iterations: maxIterations, converged: false };
}

/** Fits a LogisticModel on raw feature rows (standardised with the training rows' statistics). */
export function trainLogistic(
  featureNames: readonly string[],
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  options: LogisticTrainingOptions = {},
): LogisticFit {
  if (rows.length !== labels.length || rows.length === 0) throw new RangeError('rows and labels must be non-empty and of equal length');
  const standardisation = standardisationOf(rows);
  const design = rows.map((r) => [1, ...r.map((v, j) => (v - standardisation.mean[j]!) / standardisation.scale[j]!)]);
  const l2 = options.l2 ?? 1;
  const positives = labels.filter((v) => v === 1).length;
  const negatives = labels.length - positives;
  const balanced = options.classWeight === 'balanced' && positives > 0 && negatives > 0;
  const wPos = balanced ? labels.length / (2 * positives) : 1;
  const wNeg = balanced ? labels.length / (2 * negatives) : 1;
  const fit = fitLogisticIrls(design, labels, {
    penalty: [0, ...featureNames.map(() => l2)],
    caseWeights: labels.map((v) => (v === 1 ? wPos : wNeg)),
    ...(options.maxIterations !== undefined ? { maxIterations: options.maxIterations } : {}),
    ...(options.tolerance !== undefined ? { tolerance: options.tolerance } : {}),
  });
  return {
    model: {
      featureNames: [...featureNames],
      standardisation,
      weights: fit.beta.slice(1),
      intercept: fit.beta[0]! - Math.log(wPos / wNeg),
    },
    iterations: fit.iterations,
    converged: fit.converged,
  };
}


/**
 * Indices of a seeded stratified split: each class shuffled (Fisher-Yates) and cut at
 * round(testFraction × class size), so both parts keep the label prevalence.
 */
export function stratifiedSplit(labels: readonly number[], testFraction: number, seed: number): { train: number[]; test: number[] } {
  const random = seededUniform(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of [0, 1]) {
    const idx = labels.flatMap((v, i) => (v === cls ? [i] : []));
    for (let i = idx.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      [idx[i], idx[k]] = [idx[k]!, idx[i]!];
    }
    const cut = Math.round(testFraction * idx.length);
    test.push(...idx.slice(0, cut));
    train.push(...idx.slice(cut));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
