// Scores index admissions with a registered model: one onnxruntime session, batched inference, an
// explanation per prediction, LACE and HOSPITAL beside it, and the evaluation on the admissions'
// observed outcomes. Explanations: exact contributions for our logistic models, integrated
// gradients for our MLPs, and for any other ONNX model occlusion (each feature set to the cohort
// mean, one extra batched pass per feature; the logit change is its contribution, not additive).
import { createHash } from 'node:crypto';
import type { ModelMetrics, RiskFactor, RiskLevel, RiskThresholds, ScoreCurves } from '../api/contract.ts';
import { FEATURE_NAMES, featureMatrix } from '../features/readmission/feature-set.ts';
import { hospitalOfAdmission, laceOfAdmission } from '../features/readmission/admission-scores.ts';
import type { IndexAdmission } from '../features/readmission/index-admissions.ts';
import { CancellationError } from '../util/errors.ts';
import { mlpAttributions, topFactors } from './model-attribution.ts';
import { compareWithClinicalScores } from './readmission-evaluation.ts';
import { modelParametersFromOnnx } from './risk-model-graphs.ts';
import { RiskSession } from './risk-session.ts';

export const TOP_FACTORS = 3;

export const riskLevel = (risk: number, t: RiskThresholds): RiskLevel => (risk >= t.high ? 'high' : risk >= t.moderate ? 'moderate' : 'low');

/** One admission as scored. */
export interface ScoredAdmission {
  admission: IndexAdmission;
  risk: number;
  level: RiskLevel;
  topFactors: RiskFactor[];
  lace: number;
  hospital: number;
  featureHash: string;
}

/** What a scoring run keeps besides the rows. */
export interface ScoringSummary {
  thresholds: RiskThresholds;
  explanation: 'exact-additive' | 'integrated-gradients' | 'occlusion';
  metrics: ModelMetrics | null;
  curves: { model: ScoreCurves; lace: ScoreCurves; hospital: ScoreCurves } | null;
}

const logit = (p: number) => {
  const q = Math.min(Math.max(p, 1e-7), 1 - 1e-7);
  return Math.log(q / (1 - q));
};

/** Contributions row-major [n, width] on the logit scale, and which method produced them. */
async function explain(onnx: Uint8Array, session: RiskSession, matrix: Float32Array, risks: Float32Array, width: number) {
  const n = risks.length;
  const params = modelParametersFromOnnx(onnx);
  const contributions = new Float64Array(n * width);
  if (params?.kind === 'logistic') {
    const { weights, standardisation } = params.model;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < width; j++) contributions[r * width + j] = (weights[j]! * (matrix[r * width + j]! - standardisation.mean[j]!)) / standardisation.scale[j]!;
    }
    return { contributions, method: 'exact-additive' as const };
  }
  if (params?.kind === 'mlp') return { contributions: mlpAttributions(params.model, matrix, width).contributions, method: 'integrated-gradients' as const };
  const mean = new Float64Array(width);
  for (let r = 0; r < n; r++) for (let j = 0; j < width; j++) mean[j]! += matrix[r * width + j]! / n;
  const occluded = new Float32Array(matrix);
  for (let j = 0; j < width; j++) {
    for (let r = 0; r < n; r++) occluded[r * width + j] = mean[j]!;
    const without = await session.score(occluded);
    for (let r = 0; r < n; r++) {
      contributions[r * width + j] = logit(risks[r]!) - logit(without[r]!);
      occluded[r * width + j] = matrix[r * width + j]!;
    }
  }
  return { contributions, method: 'occlusion' as const };
}

/** Scores `admissions` with the (already verified) ONNX bytes. */
export async function scoreReadmissions(
  admissions: readonly IndexAdmission[],
  onnx: Uint8Array,
  thresholds: RiskThresholds,
  options: { progress?: (phase: string, fraction: number) => void; signal?: AbortSignal } = {},
): Promise<{ scored: ScoredAdmission[]; summary: ScoringSummary }> {
  const width = FEATURE_NAMES.length;
  const check = () => {
    if (options.signal?.aborted) throw new CancellationError();
  };
  const matrix = featureMatrix(admissions);
  options.progress?.('inference', 0.4);
  const session = await RiskSession.create(onnx, width);
  let risks: Float32Array;
  let explained: Awaited<ReturnType<typeof explain>>;
  try {
    risks = await session.score(matrix);
    check();
    options.progress?.('explanations', 0.55);
    explained = await explain(onnx, session, matrix, risks, width);
  } finally {
    await session.close();
  }
  check();
  options.progress?.('clinical scores', 0.7);
  const scored: ScoredAdmission[] = new Array(admissions.length);
  const row = Buffer.from(matrix.buffer, matrix.byteOffset, matrix.byteLength);
  for (let r = 0; r < admissions.length; r++) {
    const a = admissions[r]!;
    const factors = topFactors(
      FEATURE_NAMES.map((feature, j) => ({ feature, logit: explained.contributions[r * width + j]! })),
      TOP_FACTORS,
    );
    scored[r] = {
      admission: a,
      risk: risks[r]!,
      level: riskLevel(risks[r]!, thresholds),
      topFactors: factors,
      lace: laceOfAdmission(a.features),
      hospital: hospitalOfAdmission(a.features),
      featureHash: createHash('sha256').update(row.subarray(r * width * 4, (r + 1) * width * 4)).digest('hex').slice(0, 32),
    };
  }
  check();
  options.progress?.('evaluation', 0.8);
  const labels = scored.map((s) => s.admission.readmitted30d as number);
  const bothClasses = labels.includes(0) && labels.includes(1);
  const compared = bothClasses
    ? compareWithClinicalScores({ risk: scored.map((s) => s.risk), lace: scored.map((s) => s.lace), hospital: scored.map((s) => s.hospital), labels })
    : null;
  return {
    scored,
    summary: { thresholds, explanation: explained.method, metrics: compared?.metrics ?? null, curves: compared?.curves ?? null },
  };
}
