// Per-prediction explanations on the logit scale. For the MLP: integrated gradients (Sundararajan,
// Taly & Yan, "Axiomatic Attribution for Deep Networks", ICML 2017) of the logit with respect to
// the standardised inputs z, from the baseline z = 0 (the training-mean admission, the same
// reference as logisticContributions):
//   IG_j(z) = z_j ∫₀¹ ∂f/∂z_j(αz) dα,   completeness: f(0) + Σ_j IG_j = f(z).
// For one hidden ReLU layer ∂f/∂z_j(αz) = Σ_h W1_jh w2_h 1[b1_h + α u_h > 0] with u = zᵀW1, so
//   IG_j = z_j Σ_h W1_jh w2_h G_h,   G_h = ∫₀¹ 1[b1_h + α u_h > 0] dα.
// Each pre-activation is linear in α, so G_h is the length of an interval and the integral is
// exact (the limit of the Riemann sums as steps → ∞); that is the default. With `steps` the
// paper's trapezoid estimate is returned instead (G_h summed at α_k = k/steps). It is off by up
// to 1/(2·steps) per unit whose ReLU switches along the path: on a trained readmission-sized MLP,
// 64 steps left completeness errors up to 0.3 logit, which is why exact is the default.
// Cost per row: O(F·H) exact, O(F·H + steps·H) trapezoid; no per-row allocation in the batch.
import type { MlpModel } from './risk-model-graphs.ts';

/** One feature's additive share of a logit. */
export interface FeatureContribution {
  feature: string;
  logit: number;
}

/** A logit explained as baseline + Σ contributions (the shape logisticContributions returns). */
export interface Attribution {
  /** The logit at the baseline (the training-mean admission). */
  baseline: number;
  contributions: FeatureContribution[];
}

/** Integrated gradients of many rows: contributions row-major [n, width] on the logit scale. */
export interface MlpAttributionBatch {
  /** The logit at the baseline, shared by all rows. */
  baseline: number;
  /** f(x) per row; baseline + Σ_j contributions[r, j] ≈ logits[r]. */
  logits: Float64Array;
  contributions: Float64Array;
  width: number;
}

/** The model's parameters flattened once per call, with scratch buffers for one row. */
interface MlpKernel {
  width: number;
  hidden: number;
  mean: Float64Array;
  scale: Float64Array;
  /** [F×H] by feature. */
  w1: Float64Array;
  b1: Float64Array;
  w2: Float64Array;
  b2: number;
  baseline: number;
  z: Float64Array;
  u: Float64Array;
  gateWeight: Float64Array;
}

function kernelOf(model: MlpModel): MlpKernel {
  const width = model.featureNames.length;
  const hidden = model.hiddenBias.length;
  if (model.hiddenWeights.length !== width || model.hiddenWeights.some((r) => r.length !== hidden) || model.outputWeights.length !== hidden) {
    throw new RangeError('MLP weights do not match the feature and hidden sizes');
  }
  const b1 = Float64Array.from(model.hiddenBias);
  const w2 = Float64Array.from(model.outputWeights);
  let baseline = model.outputBias;
  for (let h = 0; h < hidden; h++) if (b1[h]! > 0) baseline += b1[h]! * w2[h]!;
  return {
    width,
    hidden,
    mean: Float64Array.from(model.standardisation.mean),
    scale: Float64Array.from(model.standardisation.scale),
    w1: Float64Array.from(model.hiddenWeights.flat()),
    b1,
    w2,
    b2: model.outputBias,
    baseline,
    z: new Float64Array(width),
    u: new Float64Array(hidden),
    gateWeight: new Float64Array(hidden),
  };
}

/** ∫₀¹ 1[bias + α·slope > 0] dα: the share of the path on which a ReLU unit is active. */
function activeShare(bias: number, slope: number): number {
  if (slope === 0) return bias > 0 ? 1 : 0;
  const crossing = -bias / slope;
  return slope > 0 ? Math.min(Math.max(1 - crossing, 0), 1) : Math.min(Math.max(crossing, 0), 1);
}

/** The trapezoid estimate of activeShare: weight 1/(2·steps) at α = 0 and α = 1, 1/steps inside. */
function activeShareTrapezoid(bias: number, slope: number, steps: number): number {
  let g = (bias > 0 ? 0.5 : 0) + (bias + slope > 0 ? 0.5 : 0);
  for (let s = 1; s < steps; s++) if (bias + (s / steps) * slope > 0) g += 1;
  return g / steps;
}

/** Writes the row's integrated gradients to out[outOffset..+width) and returns its logit. */
function attributeRow(k: MlpKernel, x: ArrayLike<number>, offset: number, steps: number | undefined, out: Float64Array, outOffset: number): number {
  const { width, hidden, z, u, gateWeight, w1, b1, w2 } = k;
  u.fill(0);
  for (let j = 0; j < width; j++) {
    const zj = (x[offset + j]! - k.mean[j]!) / k.scale[j]!;
    z[j] = zj;
    const base = j * hidden;
    for (let h = 0; h < hidden; h++) u[h]! += zj * w1[base + h]!;
  }
  let logit = k.b2;
  for (let h = 0; h < hidden; h++) {
    const bias = b1[h]!;
    const slope = u[h]!;
    if (bias + slope > 0) logit += (bias + slope) * w2[h]!;
    const share = steps === undefined ? activeShare(bias, slope) : activeShareTrapezoid(bias, slope, steps);
    gateWeight[h] = share * w2[h]!;
  }
  for (let j = 0; j < width; j++) {
    const base = j * hidden;
    let d = 0;
    for (let h = 0; h < hidden; h++) d += w1[base + h]! * gateWeight[h]!;
    out[outOffset + j] = z[j]! * d;
  }
  return logit;
}

function checkSteps(steps: number | undefined): void {
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1)) throw new RangeError('steps must be a positive integer');
}

/**
 * Integrated gradients of one raw feature vector's MLP logit, from the training-mean baseline:
 * exact path integral, or the trapezoid estimate with `steps` intervals.
 */
export function mlpIntegratedGradients(model: MlpModel, x: ArrayLike<number>, steps?: number): Attribution {
  checkSteps(steps);
  const k = kernelOf(model);
  if (x.length !== k.width) throw new RangeError(`expected ${k.width} features, got ${x.length}`);
  const out = new Float64Array(k.width);
  attributeRow(k, x, 0, steps, out, 0);
  return { baseline: k.baseline, contributions: model.featureNames.map((feature, j) => ({ feature, logit: out[j]! })) };
}

/** Integrated gradients of row-major raw feature rows [n, width] (exact, or trapezoid with `steps`); no per-row allocation. */
export function mlpAttributions(model: MlpModel, rows: Float32Array, width: number, steps?: number): MlpAttributionBatch {
  checkSteps(steps);
  const k = kernelOf(model);
  if (width !== k.width) throw new RangeError(`the model has ${k.width} features, not ${width}`);
  if (rows.length % width !== 0) throw new RangeError(`rows length ${rows.length} is not a multiple of ${width}`);
  const n = rows.length / width;
  const logits = new Float64Array(n);
  const contributions = new Float64Array(n * width);
  for (let r = 0; r < n; r++) logits[r] = attributeRow(k, rows, r * width, steps, contributions, r * width);
  return { baseline: k.baseline, logits, contributions, width };
}

/** Row r of a batch as named contributions (for topFactors). */
export function attributionOfRow(batch: MlpAttributionBatch, featureNames: readonly string[], row: number): Attribution {
  if (featureNames.length !== batch.width) throw new RangeError('feature names do not match the batch width');
  if (!Number.isInteger(row) || row < 0 || row >= batch.logits.length) throw new RangeError(`row ${row} is out of range`);
  const offset = row * batch.width;
  return { baseline: batch.baseline, contributions: featureNames.map((feature, j) => ({ feature, logit: batch.contributions[offset + j]! })) };
}

/**
 * The n contributions largest in |logit|, largest first, signs kept (ties keep input order).
 * Works for logisticContributions and integrated gradients alike.
 */
export function topFactors(contributions: readonly FeatureContribution[], n = 3): FeatureContribution[] {
  return contributions
    .map((c, index) => ({ c, index }))
    .sort((a, b) => Math.abs(b.c.logit) - Math.abs(a.c.logit) || a.index - b.index)
    .slice(0, Math.max(0, n))
    .map(({ c }) => ({ feature: c.feature, logit: c.logit }));
}
