// Scoring: ONNX risk-model graphs, the onnxruntime session, logistic training and evaluation.
export { encodeOnnxModel, onnxMetadata, ONNX_OPSET, ONNX_IR_VERSION } from './onnx-proto.ts';
export type { OnnxModelSpec } from './onnx-proto.ts';
export {
  buildLogisticOnnx, buildMlpOnnx, logisticRisk, logisticLogit, mlpRisk, logisticContributions, INPUT_NAME, OUTPUT_NAME,
} from './risk-model-graphs.ts';
export type { LogisticModel, MlpModel, Standardisation, ModelIdentity } from './risk-model-graphs.ts';
export { RiskSession } from './risk-session.ts';
export { trainLogistic, stratifiedSplit, standardisationOf, fitLogisticIrls } from './logistic-training.ts';
export type { LogisticFit, LogisticTrainingOptions } from './logistic-training.ts';
export { delongAuroc, auroc, brierScore, calibration, expectedCalibrationError, evaluateRisks } from './model-evaluation.ts';
export type { AurocEstimate, Calibration, RiskEvaluation } from './model-evaluation.ts';
export { trainMlp } from './mlp-training.ts';
export type { MlpFit, MlpTrainingOptions } from './mlp-training.ts';
export { mlpIntegratedGradients, mlpAttributions, attributionOfRow, topFactors } from './model-attribution.ts';
export type { Attribution, FeatureContribution, MlpAttributionBatch } from './model-attribution.ts';
