// A risk model this node did not build (no dataspace metadata, so no readable weights) still loads
// and scores through onnxruntime, and its explanations fall back to occlusion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FEATURE_NAMES } from '../../main/features/readmission/feature-set.ts';
import type { AdmissionFeatures, IndexAdmission } from '../../main/features/readmission/index-admissions.ts';
import { encodeOnnxModel } from '../../main/scoring/onnx-proto.ts';
import { scoreReadmissions } from '../../main/scoring/readmission-scoring.ts';
import { INPUT_NAME, OUTPUT_NAME, modelParametersFromOnnx } from '../../main/scoring/risk-model-graphs.ts';

const F = FEATURE_NAMES.length;
// risk = σ(x · w − 4): only the Charlson index (feature 4) and prior admissions (feature 6) count.
const weights = FEATURE_NAMES.map((_, j) => (j === 4 ? 0.5 : j === 6 ? 0.8 : 0));
const foreign = encodeOnnxModel({
  graphName: 'exported-elsewhere',
  inputs: [{ name: INPUT_NAME, shape: ['N', F] }],
  outputs: [{ name: OUTPUT_NAME, shape: ['N', 1] }],
  initializers: [
    { name: 'w', dims: [F, 1], data: Float32Array.from(weights) },
    { name: 'b', dims: [1], data: Float32Array.from([-4]) },
  ],
  nodes: [
    { op: 'MatMul', inputs: [INPUT_NAME, 'w'], outputs: ['z'] },
    { op: 'Add', inputs: ['z', 'b'], outputs: ['logit'] },
    { op: 'Sigmoid', inputs: ['logit'], outputs: [OUTPUT_NAME] },
  ],
  metadata: {},
});

function admission(i: number, charlsonIndex: number, priorAdmissions12m: number, readmitted: 0 | 1): IndexAdmission {
  const features: AdmissionFeatures = {
    ageYears: 60, ageGroup: '60-64', sex: 'female', lengthOfStayDays: 3, emergencyAdmission: false, charlsonIndex, charlsonCategories: [],
    priorEdVisits6m: 0, priorAdmissions12m, dischargeHemoglobinGdl: null, dischargeSodiumMmolL: null, proceduresDuringStay: 0,
    oncology: false, activeMedications: 2, imagingStudiesDuringStay: 0, pgxAlert: null,
  };
  return { pseudonym: `p${i}`, encounterKey: `e${i}`, admitDay: 100, dischargeDay: 103, readmitted30d: readmitted, daysToReadmission: null, features };
}

test('a foreign ONNX model with the documented signature scores, and is explained by occlusion', async () => {
  assert.equal(modelParametersFromOnnx(foreign), null, 'no weights can be read from a foreign graph');
  const admissions = Array.from({ length: 40 }, (_, i) => admission(i, i % 6, i % 4, i % 3 === 0 ? 1 : 0));
  const { scored, summary } = await scoreReadmissions(admissions, foreign, { moderate: 0.15, high: 0.3 });
  assert.equal(summary.explanation, 'occlusion');
  for (const s of scored) {
    const f = s.admission.features;
    const expected = 1 / (1 + Math.exp(-(0.5 * f.charlsonIndex + 0.8 * f.priorAdmissions12m - 4)));
    assert.ok(Math.abs(s.risk - expected) < 1e-6);
    // Only the two features the model uses can move its logit.
    for (const factor of s.topFactors) {
      if (!['charlson_index', 'prior_admissions_12m'].includes(factor.feature)) assert.ok(Math.abs(factor.logit) < 1e-5, `${factor.feature} ${factor.logit}`);
    }
  }
  const high = scored.find((s) => s.admission.features.charlsonIndex === 5 && s.admission.features.priorAdmissions12m === 3)!;
  // Both used features are above the cohort mean here: they are the top two, both raising the risk.
  assert.deepEqual(high.topFactors.slice(0, 2).map((f) => f.feature).sort(), ['charlson_index', 'prior_admissions_12m']);
  assert.ok(high.topFactors.slice(0, 2).every((f) => f.logit > 0));
});
