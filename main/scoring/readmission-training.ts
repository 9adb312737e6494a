// Local training of a readmission model on the store's index admissions: a seeded stratified
// split, class weighting and an L2 penalty, a logistic regression or a small MLP, evaluated on the
// held-out admissions beside LACE and HOSPITAL. Returns ONNX bytes and a model card; the caller
// registers them as a candidate.
import type { ModelCard, ModelMetrics, TrainingOptions } from '../api/contract.ts';
import { FEATURE_NAMES, FEATURE_SET, featureVector } from '../features/readmission/feature-set.ts';
import { hospitalOfAdmission, laceOfAdmission } from '../features/readmission/admission-scores.ts';
import type { IndexAdmission } from '../features/readmission/index-admissions.ts';
import { InvalidInputError } from '../util/errors.ts';
import { stratifiedSplit, trainLogistic } from './logistic-training.ts';
import { trainMlp } from './mlp-training.ts';
import { compareWithClinicalScores } from './readmission-evaluation.ts';
import { buildLogisticOnnx, buildMlpOnnx, logisticRisk, mlpRisk } from './risk-model-graphs.ts';

export const DEFAULT_TRAINING: Required<TrainingOptions> = { kind: 'logistic', testFraction: 0.3, seed: 42, l2: 1, classWeight: 'balanced' };

/** Fewer labelled admissions than this per class and the held-out metrics mean little. */
export const MINIMUM_EVENTS_PER_CLASS = 20;

export const LOGISTIC_EXPLANATION =
  'Exact additive contributions: each feature adds w·(x − mean)/scale to the logit, relative to the training-mean admission.';
export const MLP_EXPLANATION =
  'Integrated gradients (Sundararajan et al. 2017) of the logit from the training-mean admission, integrated exactly along the path (the ReLU gates switch at known points); contributions sum to the logit difference.';

/** A trained model, ready to register. */
export interface TrainedReadmissionModel {
  onnx: Uint8Array;
  card: ModelCard;
  metrics: ModelMetrics;
  admissions: { total: number; train: number; test: number; positives: number };
  parameters: Required<TrainingOptions>;
}

const nf = new Intl.NumberFormat('en-US');

/** Trains and evaluates on `admissions` (sorted by encounter key so a store gives the same split every time). */
export function trainReadmissionModel(
  admissions: readonly IndexAdmission[],
  options: TrainingOptions,
  context: { institution: string; now: Date; progress?: (phase: string, fraction: number) => void },
): TrainedReadmissionModel {
  const parameters: Required<TrainingOptions> = { ...DEFAULT_TRAINING, ...options };
  const ordered = [...admissions].sort((a, b) => (a.encounterKey < b.encounterKey ? -1 : a.encounterKey > b.encounterKey ? 1 : 0));
  const labels = ordered.map((a) => a.readmitted30d as number);
  const positives = labels.filter((y) => y === 1).length;
  if (positives < MINIMUM_EVENTS_PER_CLASS || ordered.length - positives < MINIMUM_EVENTS_PER_CLASS) {
    throw new InvalidInputError(
      `Training needs at least ${MINIMUM_EVENTS_PER_CLASS} readmitted and ${MINIMUM_EVENTS_PER_CLASS} not readmitted index admissions; the store has ${positives} and ${ordered.length - positives}.`,
      'too-few-admissions',
    );
  }
  const rows = ordered.map((a) => featureVector(a.features));
  const { train, test } = stratifiedSplit(labels, parameters.testFraction, parameters.seed);
  context.progress?.('fitting', 0.3);
  const trainRows = train.map((i) => rows[i]!);
  const trainLabels = train.map((i) => labels[i]!);
  const stamp = context.now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  const identity = { featureSetName: FEATURE_SET.name, featureSetVersion: FEATURE_SET.version };
  let onnx: Uint8Array;
  let risk: (x: number[]) => number;
  let kind: string;
  let explanation: string;
  if (parameters.kind === 'mlp') {
    const fit = trainMlp(FEATURE_NAMES, trainRows, trainLabels, { hidden: 8, l2: parameters.l2, classWeight: parameters.classWeight, seed: parameters.seed, validationFraction: 0.15 });
    onnx = buildMlpOnnx(fit.model, { name: 'readmission-30d-mlp', ...identity, extra: { 'dataspace.version': stamp } });
    risk = (x) => mlpRisk(fit.model, x);
    kind = 'mlp-1-hidden-relu';
    explanation = MLP_EXPLANATION;
  } else {
    const fit = trainLogistic(FEATURE_NAMES, trainRows, trainLabels, { l2: parameters.l2, classWeight: parameters.classWeight });
    onnx = buildLogisticOnnx(fit.model, { name: 'readmission-30d-logistic', ...identity, extra: { 'dataspace.version': stamp } });
    risk = (x) => logisticRisk(fit.model, x);
    kind = 'logistic-regression';
    explanation = LOGISTIC_EXPLANATION;
  }
  context.progress?.('evaluating', 0.8);
  const scoresOf = (idx: number[]) => ({
    risk: idx.map((i) => risk(rows[i]!)),
    lace: idx.map((i) => laceOfAdmission(ordered[i]!.features)),
    hospital: idx.map((i) => hospitalOfAdmission(ordered[i]!.features)),
    labels: idx.map((i) => labels[i]!),
  });
  const { metrics } = compareWithClinicalScores(scoresOf(test), scoresOf(train));
  const name = parameters.kind === 'mlp' ? 'readmission-30d-mlp' : 'readmission-30d-logistic';
  const card: ModelCard = {
    name,
    version: stamp,
    kind,
    featureSet: { name: FEATURE_SET.name, version: FEATURE_SET.version },
    features: FEATURE_SET.features.map((f) => ({ name: f.name, description: f.description })),
    trainingData:
      `${nf.format(train.length)} index admissions of ${context.institution}'s de-identified store ` +
      `(${nf.format(positives)} of ${nf.format(ordered.length)} readmitted within 30 days), trained ${context.now.toISOString().slice(0, 10)}.`,
    metrics,
    evaluation:
      `Held-out ${Math.round(parameters.testFraction * 100)}% (${nf.format(test.length)} admissions, stratified, seed ${parameters.seed}). ` +
      'AUROC with the DeLong 95% CI; LACE and HOSPITAL on the same admissions, their risks by logistic recalibration on the training admissions.',
    intendedUse: 'Research on 30-day readmission risk in this institution\'s de-identified data; ranking admissions for review. Not for individual clinical decisions.',
    limitations: [
      'Trained and evaluated on one institution; performance elsewhere is unknown until measured on local data.',
      'Readmissions to other hospitals are not in the store and count as no readmission.',
      'Stays discharged within 30 days of the export have incomplete follow-up and count as not readmitted.',
    ],
    explanation,
  };
  context.progress?.('done', 1);
  return {
    onnx,
    card,
    metrics,
    admissions: { total: ordered.length, train: train.length, test: test.length, positives },
    parameters,
  };
}
