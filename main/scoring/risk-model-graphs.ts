// ONNX graphs of our risk models. Input `features` float32 [N, F], output `risk` float32 [N, 1].
// Standardisation is inside the graph (Sub mean, Div scale) so callers pass raw FEATURE_SET vectors.
import { encodeOnnxModel, onnxFloatInitializers, onnxMetadata, type OnnxNode, type OnnxTensor } from './onnx-proto.ts';

export const INPUT_NAME = 'features';
export const OUTPUT_NAME = 'risk';

/** Mean and scale per feature; the model sees (x - mean) / scale. */
export interface Standardisation {
  mean: number[];
  scale: number[];
}

/** A logistic regression on standardised features. */
export interface LogisticModel {
  featureNames: string[];
  standardisation: Standardisation;
  /** One weight per feature, on the standardised scale. */
  weights: number[];
  intercept: number;
}

/** A one-hidden-layer ReLU network on standardised features. */
export interface MlpModel {
  featureNames: string[];
  standardisation: Standardisation;
  /** [F][H] row-major by feature. */
  hiddenWeights: number[][];
  hiddenBias: number[];
  /** [H]. */
  outputWeights: number[];
  outputBias: number;
}

/** Identity of a built model, kept in the ONNX metadata_props. */
export interface ModelIdentity {
  name: string;
  featureSetName: string;
  featureSetVersion: string;
  extra?: Record<string, string>;
}

const f32 = (values: number[]) => Float32Array.from(values);

function standardisationNodes(s: Standardisation, width: number): { nodes: OnnxNode[]; initializers: OnnxTensor[] } {
  if (s.mean.length !== width || s.scale.length !== width) throw new RangeError('standardisation does not match the feature count');
  return {
    initializers: [
      { name: 'feature_mean', dims: [width], data: f32(s.mean) },
      { name: 'feature_scale', dims: [width], data: f32(s.scale) },
    ],
    nodes: [
      { op: 'Sub', inputs: [INPUT_NAME, 'feature_mean'], outputs: ['centred'] },
      { op: 'Div', inputs: ['centred', 'feature_scale'], outputs: ['standardised'] },
    ],
  };
}

function metadata(identity: ModelIdentity, kind: string, featureNames: string[]): Record<string, string> {
  return {
    'dataspace.model': identity.name,
    'dataspace.kind': kind,
    'dataspace.feature_set': identity.featureSetName,
    'dataspace.feature_set_version': identity.featureSetVersion,
    'dataspace.features': JSON.stringify(featureNames),
    ...identity.extra,
  };
}

/** Sub, Div, MatMul, Add, Sigmoid: risk = σ(((x − μ) / s) · w + b). */
export function buildLogisticOnnx(model: LogisticModel, identity: ModelIdentity): Uint8Array {
  const width = model.featureNames.length;
  if (model.weights.length !== width) throw new RangeError('weights do not match the feature count');
  const std = standardisationNodes(model.standardisation, width);
  return encodeOnnxModel({
    graphName: identity.name,
    inputs: [{ name: INPUT_NAME, shape: ['N', width] }],
    outputs: [{ name: OUTPUT_NAME, shape: ['N', 1] }],
    initializers: [
      ...std.initializers,
      { name: 'weights', dims: [width, 1], data: f32(model.weights) },
      { name: 'intercept', dims: [1], data: f32([model.intercept]) },
    ],
    nodes: [
      ...std.nodes,
      { op: 'MatMul', inputs: ['standardised', 'weights'], outputs: ['linear'] },
      { op: 'Add', inputs: ['linear', 'intercept'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: [OUTPUT_NAME] },
    ],
    metadata: metadata(identity, 'logistic-regression', model.featureNames),
  });
}

/** Standardise, MatMul, Add, Relu, MatMul, Add, Sigmoid. */
export function buildMlpOnnx(model: MlpModel, identity: ModelIdentity): Uint8Array {
  const width = model.featureNames.length;
  const hidden = model.hiddenBias.length;
  if (model.hiddenWeights.length !== width || model.hiddenWeights.some((r) => r.length !== hidden) || model.outputWeights.length !== hidden) {
    throw new RangeError('MLP weights do not match the feature and hidden sizes');
  }
  const std = standardisationNodes(model.standardisation, width);
  return encodeOnnxModel({
    graphName: identity.name,
    inputs: [{ name: INPUT_NAME, shape: ['N', width] }],
    outputs: [{ name: OUTPUT_NAME, shape: ['N', 1] }],
    initializers: [
      ...std.initializers,
      { name: 'hidden_weights', dims: [width, hidden], data: f32(model.hiddenWeights.flat()) },
      { name: 'hidden_bias', dims: [hidden], data: f32(model.hiddenBias) },
      { name: 'output_weights', dims: [hidden, 1], data: f32(model.outputWeights) },
      { name: 'output_bias', dims: [1], data: f32([model.outputBias]) },
    ],
    nodes: [
      ...std.nodes,
      { op: 'MatMul', inputs: ['standardised', 'hidden_weights'], outputs: ['hidden_linear'] },
      { op: 'Add', inputs: ['hidden_linear', 'hidden_bias'], outputs: ['hidden_pre'] },
      { op: 'Relu', inputs: ['hidden_pre'], outputs: ['hidden'] },
      { op: 'MatMul', inputs: ['hidden', 'output_weights'], outputs: ['output_linear'] },
      { op: 'Add', inputs: ['output_linear', 'output_bias'], outputs: ['logit'] },
      { op: 'Sigmoid', inputs: ['logit'], outputs: [OUTPUT_NAME] },
    ],
    metadata: metadata(identity, 'mlp-1-hidden-relu', model.featureNames),
  });
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Plain TypeScript evaluation of a logistic model (the reference the ONNX graph must match). */
export function logisticRisk(model: LogisticModel, x: ArrayLike<number>): number {
  return sigmoid(logisticLogit(model, x));
}

/** The logit of a logistic model for one feature vector. */
export function logisticLogit(model: LogisticModel, x: ArrayLike<number>): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j]! * ((x[j]! - model.standardisation.mean[j]!) / model.standardisation.scale[j]!);
  return z;
}

/** Plain TypeScript evaluation of an MLP. */
export function mlpRisk(model: MlpModel, x: ArrayLike<number>): number {
  const { mean, scale } = model.standardisation;
  const z = model.featureNames.map((_, j) => (x[j]! - mean[j]!) / scale[j]!);
  let out = model.outputBias;
  for (let h = 0; h < model.hiddenBias.length; h++) {
    let a = model.hiddenBias[h]!;
    for (let j = 0; j < z.length; j++) a += z[j]! * model.hiddenWeights[j]![h]!;
    out += Math.max(a, 0) * model.outputWeights[h]!;
  }
  return sigmoid(out);
}

/**
 * Exact additive explanation of a logistic model: logit = intercept + Σ contribution_j with
 * contribution_j = w_j (x_j − μ_j) / s_j, i.e. relative to the training-mean admission.
 */
export function logisticContributions(model: LogisticModel, x: ArrayLike<number>): { baseline: number; contributions: { feature: string; logit: number }[] } {
  return {
    baseline: model.intercept,
    contributions: model.featureNames.map((feature, j) => ({
      feature,
      logit: model.weights[j]! * ((x[j]! - model.standardisation.mean[j]!) / model.standardisation.scale[j]!),
    })),
  };
}

/** The weights of a model this node built, read back from its ONNX bytes; null for any other graph. */
export function modelParametersFromOnnx(bytes: Uint8Array): { kind: 'logistic'; model: LogisticModel } | { kind: 'mlp'; model: MlpModel } | null {
  const meta = onnxMetadata(bytes);
  const tensors = onnxFloatInitializers(bytes);
  const values = (name: string) => (tensors.has(name) ? Array.from(tensors.get(name)!.data) : null);
  let featureNames: string[];
  try {
    featureNames = JSON.parse(meta['dataspace.features'] ?? 'null') as string[];
  } catch {
    return null;
  }
  const mean = values('feature_mean');
  const scale = values('feature_scale');
  if (!Array.isArray(featureNames) || !mean || !scale) return null;
  const standardisation = { mean, scale };
  if (meta['dataspace.kind'] === 'logistic-regression') {
    const weights = values('weights');
    const intercept = values('intercept');
    if (!weights || !intercept || weights.length !== featureNames.length) return null;
    return { kind: 'logistic', model: { featureNames, standardisation, weights, intercept: intercept[0]! } };
  }
  if (meta['dataspace.kind'] === 'mlp-1-hidden-relu') {
    const hidden = values('hidden_weights');
    const hiddenBias = values('hidden_bias');
    const outputWeights = values('output_weights');
    const outputBias = values('output_bias');
    if (!hidden || !hiddenBias || !outputWeights || !outputBias) return null;
    const h = hiddenBias.length;
    if (hidden.length !== featureNames.length * h || outputWeights.length !== h) return null;
    const hiddenWeights = featureNames.map((_, j) => hidden.slice(j * h, (j + 1) * h));
    return { kind: 'mlp', model: { featureNames, standardisation, hiddenWeights, hiddenBias, outputWeights, outputBias: outputBias[0]! } };
  }
  return null;
}
