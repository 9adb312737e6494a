// A one-hidden-layer ReLU network trained by mini-batch Adam (Kingma & Ba, ICLR 2015) on the
// class-weighted binary cross-entropy with an L2 penalty on the weights (not the biases). The
// objective per row is (Σ wᵢ ℓᵢ + λ/2 ‖W‖²) / n, the same penalty convention as trainLogistic.
// Everything random (initialisation, shuffling, the early-stopping slice) comes from one seed, so
// a fit is reproducible. Parameters live in one Float64Array; the inner loops allocate nothing.
import { standardisationOf, stratifiedSplit } from './logistic-training.ts';
import { seededUniform } from '../util/seeded-random.ts';
import type { MlpModel } from './risk-model-graphs.ts';

/** Options of trainMlp. */
export interface MlpTrainingOptions {
  /** Hidden ReLU units. Default 8. */
  hidden?: number;
  /** L2 penalty λ on the standardised-scale weights: (Σ wᵢ ℓᵢ + λ/2 ‖W‖²) / n. Default 1. */
  l2?: number;
  /** As in trainLogistic: 'balanced' weights classes by n / (2 n_class), then the output bias is shifted by −ln(w₊/w₋). */
  classWeight?: 'none' | 'balanced';
  /** Passes over the fitting rows. Default 150. */
  epochs?: number;
  /** Adam step size. Default 0.01. */
  learningRate?: number;
  /** Seed of initialisation, shuffling and the early-stopping slice. Default 1. */
  seed?: number;
  /** Rows per Adam step. Default 128. */
  batchSize?: number;
  /**
   * Early stopping: this stratified share of the rows is held out, the parameters with the lowest
   * held-out weighted cross-entropy are kept, and training stops after `patience` epochs without
   * improvement. Default 0 (off: all rows are fitted for `epochs` passes).
   */
  validationFraction?: number;
  /** Epochs without held-out improvement before stopping. Default 20. */
  patience?: number;
}

/** A fitted MLP and how the fit went. */
export interface MlpFit {
  model: MlpModel;
  /** Epochs actually run (fewer than asked when early stopping triggered). */
  epochs: number;
  /** The minimised objective (Σ wᵢ ℓᵢ + λ/2 ‖W‖²) / n on the fitting rows at the returned parameters. */
  finalLoss: number;
  /** Weighted cross-entropy on the held-out slice at the returned parameters, with early stopping. */
  validationLoss?: number;
}

/** Flat parameter layout: W1 [F×H] by feature, b1 [H], w2 [H], b2. */
interface Layout {
  width: number;
  hidden: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  size: number;
}

function layoutOf(width: number, hidden: number): Layout {
  const b1 = width * hidden;
  return { width, hidden, w1: 0, b1, w2: b1 + hidden, b2: b1 + 2 * hidden, size: b1 + 2 * hidden + 1 };
}

/** Rows and labels packed for the loops. */
interface Packed {
  x: Float64Array;
  y: Float64Array;
  caseWeight: Float64Array;
  rows: Int32Array;
}

/** Standard normal draws by Box-Muller from the seeded uniform. */
function seededNormal(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** ln(1 + e^z) − y z, stable for large |z|. */
function crossEntropy(z: number, y: number): number {
  return Math.max(z, 0) - y * z + Math.log1p(Math.exp(-Math.abs(z)));
}

/** Logit of one standardised row; leaves the hidden pre-activations in `pre`. */
function forward(p: Float64Array, l: Layout, x: Float64Array, offset: number, pre: Float64Array): number {
  const { width, hidden } = l;
  for (let h = 0; h < hidden; h++) pre[h] = p[l.b1 + h]!;
  for (let j = 0; j < width; j++) {
    const xj = x[offset + j]!;
    if (xj === 0) continue;
    const base = l.w1 + j * hidden;
    for (let h = 0; h < hidden; h++) pre[h]! += xj * p[base + h]!;
  }
  let z = p[l.b2]!;
  for (let h = 0; h < hidden; h++) {
    const a = pre[h]!;
    if (a > 0) z += a * p[l.w2 + h]!;
  }
  return z;
}

/** Σ wᵢ ℓᵢ / n over `rows` (the data part of the objective, or the held-out loss). */
function meanLoss(p: Float64Array, l: Layout, data: Packed, rows: Int32Array, pre: Float64Array): number {
  let total = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    total += data.caseWeight[i]! * crossEntropy(forward(p, l, data.x, i * l.width, pre), data.y[i]!);
  }
  return total / rows.length;
}

function penaltyOf(p: Float64Array, l: Layout): number {
  let s = 0;
  for (let k = l.w1; k < l.b1; k++) s += p[k]! ** 2;
  for (let k = l.w2; k < l.b2; k++) s += p[k]! ** 2;
  return s;
}

/** Accumulates the mean gradient of the weighted cross-entropy over rows[start, end) into `grad`. */
function batchGradient(p: Float64Array, l: Layout, data: Packed, order: Int32Array, start: number, end: number, grad: Float64Array, pre: Float64Array, delta: Float64Array): void {
  const { width, hidden } = l;
  grad.fill(0);
  for (let k = start; k < end; k++) {
    const i = order[k]!;
    const offset = i * width;
    const z = forward(p, l, data.x, offset, pre);
    const d = data.caseWeight[i]! * (1 / (1 + Math.exp(-z)) - data.y[i]!);
    grad[l.b2]! += d;
    for (let h = 0; h < hidden; h++) {
      const a = pre[h]!;
      if (a > 0) {
        grad[l.w2 + h]! += d * a;
        delta[h] = d * p[l.w2 + h]!;
        grad[l.b1 + h]! += delta[h]!;
      } else {
        delta[h] = 0;
      }
    }
    for (let j = 0; j < width; j++) {
      const xj = data.x[offset + j]!;
      if (xj === 0) continue;
      const base = l.w1 + j * hidden;
      for (let h = 0; h < hidden; h++) grad[base + h]! += xj * delta[h]!;
    }
  }
  const inv = 1 / (end - start);
  for (let k = 0; k < l.size; k++) grad[k]! *= inv;
}

/** He initialisation for the ReLU layer, Xavier for the output, output bias at the weighted prevalence logit. */
function initialParameters(l: Layout, data: Packed, fitRows: Int32Array, normal: () => number): Float64Array {
  const p = new Float64Array(l.size);
  const he = Math.sqrt(2 / l.width);
  for (let k = l.w1; k < l.b1; k++) p[k] = he * normal();
  const xavier = Math.sqrt(2 / (l.hidden + 1));
  for (let k = l.w2; k < l.b2; k++) p[k] = xavier * normal();
  let pos = 0;
  let neg = 0;
  for (let k = 0; k < fitRows.length; k++) {
    const i = fitRows[k]!;
    if (data.y[i] === 1) pos += data.caseWeight[i]!;
    else neg += data.caseWeight[i]!;
  }
  p[l.b2] = pos > 0 && neg > 0 ? Math.log(pos / neg) : 0;
  return p;
}

function pack(featureNames: readonly string[], rows: readonly (readonly number[])[], labels: readonly number[], classWeight: 'none' | 'balanced') {
  const n = rows.length;
  const width = featureNames.length;
  if (n === 0 || labels.length !== n) throw new RangeError('rows and labels must be non-empty and of equal length');
  if (width === 0) throw new RangeError('an MLP needs at least one feature');
  const standardisation = standardisationOf(rows);
  const x = new Float64Array(n * width);
  const y = new Float64Array(n);
  let positives = 0;
  rows.forEach((r, i) => {
    if (r.length !== width) throw new RangeError(`row ${i} has ${r.length} values, expected ${width}`);
    for (let j = 0; j < width; j++) {
      const v = (r[j]! - standardisation.mean[j]!) / standardisation.scale[j]!;
      if (!Number.isFinite(v)) throw new RangeError(`row ${i} feature ${featureNames[j]} is not a finite number`);
      x[i * width + j] = v;
    }
    const label = labels[i];
    if (label !== 0 && label !== 1) throw new RangeError(`label ${i} is ${label}, expected 0 or 1`);
    y[i] = label;
    positives += label;
  });
  const negatives = n - positives;
  const balanced = classWeight === 'balanced' && positives > 0 && negatives > 0;
  const wPos = balanced ? n / (2 * positives) : 1;
  const wNeg = balanced ? n / (2 * negatives) : 1;
  const caseWeight = y.map((v) => (v === 1 ? wPos : wNeg));
  const data: Packed = { x, y, caseWeight, rows: Int32Array.from({ length: n }, (_, i) => i) };
  return { data, standardisation, priorShift: Math.log(wPos / wNeg) };
}

/** One Adam update with bias correction (β₁ 0.9, β₂ 0.999, ε 1e-8, the paper's defaults). */
function adamStep(p: Float64Array, grad: Float64Array, state: { m: Float64Array; v: Float64Array; step: number }, rate: number): void {
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  state.step++;
  const c1 = 1 - beta1 ** state.step;
  const c2 = 1 - beta2 ** state.step;
  const { m, v } = state;
  for (let k = 0; k < p.length; k++) {
    const g = grad[k]!;
    m[k] = beta1 * m[k]! + (1 - beta1) * g;
    v[k] = beta2 * v[k]! + (1 - beta2) * g * g;
    p[k]! -= (rate * (m[k]! / c1)) / (Math.sqrt(v[k]! / c2) + eps);
  }
}

function toModel(p: Float64Array, l: Layout, featureNames: readonly string[], standardisation: MlpModel['standardisation'], priorShift: number): MlpModel {
  return {
    featureNames: [...featureNames],
    standardisation,
    hiddenWeights: Array.from({ length: l.width }, (_, j) => Array.from(p.subarray(l.w1 + j * l.hidden, l.w1 + (j + 1) * l.hidden))),
    hiddenBias: Array.from(p.subarray(l.b1, l.w2)),
    outputWeights: Array.from(p.subarray(l.w2, l.b2)),
    outputBias: p[l.b2]! - priorShift,
  };
}

/** Fits an MlpModel on raw feature rows (standardised with all given rows' statistics). */
export function trainMlp(
  featureNames: readonly string[],
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  options: MlpTrainingOptions = {},
): MlpFit {
  const hidden = options.hidden ?? 8;
  const l2 = options.l2 ?? 1;
  const epochs = options.epochs ?? 150;
  const rate = options.learningRate ?? 0.01;
  const seed = options.seed ?? 1;
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 128));
  const validationFraction = options.validationFraction ?? 0;
  const patience = options.patience ?? 20;
  if (!Number.isInteger(hidden) || hidden < 1) throw new RangeError('hidden must be a positive integer');
  if (validationFraction < 0 || validationFraction >= 1) throw new RangeError('validationFraction must be in [0, 1)');
  if (!Number.isInteger(epochs) || epochs < 0) throw new RangeError('epochs must be a non-negative integer');
  if (!(rate > 0)) throw new RangeError('learningRate must be positive');

  const { data, standardisation, priorShift } = pack(featureNames, rows, labels, options.classWeight ?? 'none');
  const l = layoutOf(featureNames.length, hidden);
  const split = validationFraction > 0 ? stratifiedSplit(labels, validationFraction, seed) : undefined;
  const fitRows = split ? Int32Array.from(split.train) : data.rows;
  const heldOut = split && split.test.length > 0 ? Int32Array.from(split.test) : undefined;
  if (fitRows.length === 0) throw new RangeError('no rows left to fit after the early-stopping split');

  const random = seededUniform(seed);
  const p = initialParameters(l, data, fitRows, seededNormal(random));
  const grad = new Float64Array(l.size);
  const adam = { m: new Float64Array(l.size), v: new Float64Array(l.size), step: 0 };
  const pre = new Float64Array(hidden);
  const delta = new Float64Array(hidden);
  const order = Int32Array.from(fitRows);
  const decay = l2 / fitRows.length;
  let best = heldOut ? { loss: meanLoss(p, l, data, heldOut, pre), params: p.slice(), epoch: 0 } : undefined;
  let ran = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    ran = epoch;
    for (let i = order.length - 1; i > 0; i--) {
      const k = Math.floor(random() * (i + 1));
      const t = order[i]!;
      order[i] = order[k]!;
      order[k] = t;
    }
    for (let start = 0; start < order.length; start += batchSize) {
      batchGradient(p, l, data, order, start, Math.min(start + batchSize, order.length), grad, pre, delta);
      for (let k = l.w1; k < l.b1; k++) grad[k]! += decay * p[k]!;
      for (let k = l.w2; k < l.b2; k++) grad[k]! += decay * p[k]!;
      adamStep(p, grad, adam, rate);
    }
    if (heldOut && best) {
      const loss = meanLoss(p, l, data, heldOut, pre);
      if (loss < best.loss - 1e-9) best = { loss, params: p.slice(), epoch };
      else if (epoch - best.epoch >= patience) break;
    }
  }
  if (best) p.set(best.params);
  const finalLoss = meanLoss(p, l, data, fitRows, pre) + (l2 / 2) * penaltyOf(p, l) / fitRows.length;
  return {
    model: toModel(p, l, featureNames, standardisation, priorShift),
    epochs: ran,
    finalLoss,
    ...(best ? { validationLoss: best.loss } : {}),
  };
}
