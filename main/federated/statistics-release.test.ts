import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { AdmissionFeatures, IndexAdmission } from '../features/readmission/index-admissions.ts';
import type { ConsortiumRequest } from '../sync/consortium-request.ts';
import { DisclosureRefusedError } from './disclosure-policy.ts';
import { scanOutgoingPayload } from './payload-scanner.ts';
import { PrivacyBudgetLedger } from './privacy-budget-ledger.ts';
import { ReleaseLedger } from './release-ledger.ts';
import { STATISTICS_PAYLOAD_SCAN_POLICY, StatisticsReleaseRefusedError, computeStatisticsRelease } from './statistics-release.ts';
import type { PatientPhenotype, StatisticsRelease, StatisticsReleaseInput } from './statistics-release.ts';
import { localReleasePolicy } from './statistics-request.ts';
import { seededUniform } from '../util/seeded-random.ts';
import { FULL_RELEASE_BINS, range } from './statistics-request-fixture.ts';

const ALL_MEASURES = ['count', 'mean', 'variance', 'histogram'] as const;

// Marker values: day numbers no count, edge or mean could take, and unique encounter keys.
const MARKER_DAY_BASE = 424_242_000;
const markerPseudonym = (p: number): string => createHash('sha256').update(`marker-patient-${p}`).digest('hex');
const markerEncounter = (p: number, k: number): string => `Encounter/MARKER-ENC-${p}-${k}`;

/** Deterministic PRNG (mulberry32) so the synthetic cohorts are the same on every run. */

function syntheticFeatures(r: () => number, los: number): AdmissionFeatures {
  return {
    ageYears: 20 + Math.floor(r() * 75),
    ageGroup: null,
    sex: r() < 0.52 ? 'female' : 'male',
    lengthOfStayDays: los,
    emergencyAdmission: r() < 0.6,
    charlsonIndex: Math.floor(r() * r() * 9),
    charlsonCategories: [],
    priorEdVisits6m: Math.floor(r() * r() * 5),
    priorAdmissions12m: Math.floor(r() * r() * 5),
    dischargeHemoglobinGdl: r() < 0.8 ? 8 + r() * 8 : null,
    dischargeSodiumMmolL: r() < 0.8 ? 126 + r() * 18 : null,
    proceduresDuringStay: r() < 0.4 ? 1 : 0,
    oncology: r() < 0.15,
    activeMedications: Math.floor(r() * 14),
    imagingStudiesDuringStay: 0,
    pgxAlert: r() < 0.2,
  };
}

/** Synthetic index admissions: `perPatient` stays for each of `patients` patients. */
function syntheticAdmissions(patients: number, options: { seed?: number; perPatient?: number; firstPatient?: number } = {}): IndexAdmission[] {
  const r = seededUniform(options.seed ?? 7);
  const out: IndexAdmission[] = [];
  for (let p = options.firstPatient ?? 0; p < (options.firstPatient ?? 0) + patients; p++) {
    for (let k = 0; k < (options.perPatient ?? 1); k++) {
      const los = 1 + Math.floor(r() * r() * 20);
      const admitDay = MARKER_DAY_BASE + p * 7 + k * 1000;
      out.push({
        pseudonym: markerPseudonym(p),
        encounterKey: markerEncounter(p, k),
        admitDay,
        dischargeDay: admitDay + los,
        readmitted30d: r() < 0.18 ? 1 : 0,
        daysToReadmission: null,
        features: syntheticFeatures(r, los),
      });
    }
  }
  return out;
}


function request(body: Record<string, unknown>, sequence = 1): ConsortiumRequest {
  return { kind: 'aggregate-statistics', sequence, issuedAt: '2030-01-01T00:00:00Z', expiresAt: '2030-01-08T00:00:00Z', body };
}

const fullBody = (): Record<string, unknown> => ({
  round: 'round-7',
  cohort: {},
  statistics: Object.entries(FULL_RELEASE_BINS).map(([variable, bins]) => ({ id: `s-${variable}`, variable, measures: [...ALL_MEASURES], bins })),
  phenotypes: ['CYP2C19'],
});

function release(overrides: Partial<StatisticsReleaseInput> & Pick<StatisticsReleaseInput, 'request' | 'admissions'>): StatisticsRelease {
  return computeStatisticsRelease({ policy: localReleasePolicy(), releaseLedger: new ReleaseLedger(), institutionId: 'inst-test-0001', ...overrides });
}

function refusal(fn: () => unknown): { code: string; error: DisclosureRefusedError } {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DisclosureRefusedError, String(error));
    return { code: error.code, error };
  }
  assert.fail('the release was not refused');
}

/** A cohort whose charlson_index histogram has small cells at 7 (4 patients) and 9 (8 patients). */
function cohortWithSmallCells(): IndexAdmission[] {
  const counts: [number, number][] = [[0, 60], [1, 40], [2, 30], [3, 20], [4, 12], [7, 4], [9, 8]];
  const admissions = syntheticAdmissions(counts.reduce((a, [, n]) => a + n, 0));
  let i = 0;
  for (const [value, n] of counts) for (let k = 0; k < n; k++) admissions[i++]!.features.charlsonIndex = value;
  return admissions;
}

describe('statistics release', () => {
  it('suppresses histogram cells under the minimum so that no suppressed cell can be recovered from the published total', () => {
    const admissions = cohortWithSmallCells();
    const bins = range(0, 12);
    const body = { round: 'round-7', cohort: {}, statistics: [{ id: 'charlson', variable: 'charlson_index', measures: ['histogram', 'mean', 'variance'], bins }] };
    const { payload, checks } = release({ request: request(body), admissions });
    const histogram = payload.statistics[0]!.histogram!;
    const trueCounts = new Array<number>(bins.length + 1).fill(0);
    for (const a of admissions) trueCounts[Math.min(a.features.charlsonIndex, 12) + 1]!++;
    assert.equal(histogram.total, admissions.length);
    trueCounts.forEach((c, i) => {
      if (c > 0 && c < 11) assert.equal(histogram.cells[i], null, `cell ${i} holds ${c} patients`);
    });
    // Recompute what an attacker knows: the published cells and the total. Every assignment of
    // non-negative integers to the hidden cells that adds up is consistent with the release.
    const hidden = histogram.cells.flatMap((c, i) => (c === null ? [i] : []));
    const hiddenSum = histogram.total - histogram.cells.reduce<number>((a, c) => a + (c ?? 0), 0);
    assert.ok(hidden.length >= 2, 'at least two hidden cells');
    assert.ok(hiddenSum >= 11, 'the hidden cells together hold at least the minimum');
    for (const i of hidden) {
      const feasible = new Set(range(0, hiddenSum)); // with >= 2 hidden cells, any split of the hidden sum fits
      assert.ok(feasible.size >= 12 && feasible.has(trueCounts[i]!), `cell ${i} stays ambiguous`);
    }
    // The mean would add an equation (sum of value x count) that solves the hidden cells: withheld.
    assert.equal(payload.statistics[0]!.mean, null);
    assert.equal(payload.statistics[0]!.variance, null);
    const moments = checks.find((c) => c.id === 'moments')!;
    assert.equal(moments.outcome, 'withheld');
    // The attack the rule prevents: the two hidden cells, the total and the exact sum solve them.
    assert.equal(hidden.length, 2);
    const [i, j] = hidden as [number, number];
    const sum = admissions.reduce((a, x) => a + x.features.charlsonIndex, 0);
    const knownSum = trueCounts.reduce((a, c, k) => a + (hidden.includes(k) ? 0 : c * (k - 1)), 0);
    const solved = (sum - knownSum - (i - 1) * hiddenSum) / (j - i);
    assert.equal(solved, trueCounts[j], 'hidden cells + total + sum = solved');
  });

  it('refuses a differencing release: the same request over a cohort that differs by fewer than 11 patients', () => {
    const releaseLedger = new ReleaseLedger();
    const body = { round: 'round-7', cohort: {}, statistics: [{ id: 'outcome', variable: 'readmitted_30d', measures: ['count', 'mean'] }] };
    const first = syntheticAdmissions(300);
    release({ request: request(body, 1), admissions: first, releaseLedger });
    const plusFive = [...first, ...syntheticAdmissions(5, { firstPatient: 300, seed: 9 })];
    const refused = refusal(() => release({ request: request(body, 2), admissions: plusFive, releaseLedger }));
    assert.equal(refused.code, 'differencing-risk');
    assert.ok(refused.error instanceof StatisticsReleaseRefusedError);
    assert.deepEqual(refused.error.checks.at(-1)!.id, 'differencing');
    assert.equal(refused.error.checks.at(-1)!.outcome, 'refused');
    const minusThree = first.slice(3);
    assert.equal(refusal(() => release({ request: request(body, 3), admissions: minusThree, releaseLedger })).code, 'differencing-risk');
    assert.equal(releaseLedger.records.length, 1, 'refused releases are not recorded');
    // The identical cohort, or one that grew by at least the minimum, may be released.
    assert.doesNotThrow(() => release({ request: request(body, 4), admissions: first, releaseLedger }));
    const plusForty = [...first, ...syntheticAdmissions(40, { firstPatient: 300, seed: 9 })];
    assert.doesNotThrow(() => release({ request: request(body, 5), admissions: plusForty, releaseLedger }));
  });

  it('refuses a cohort smaller than the minimum cell size, counting patients rather than admissions', () => {
    const admissions = syntheticAdmissions(8, { perPatient: 3 }); // 24 admissions of 8 patients
    const body = { round: 'round-7', cohort: {}, statistics: [{ id: 'los', variable: 'length_of_stay_days', measures: ['count'] }] };
    assert.equal(refusal(() => release({ request: request(body), admissions })).code, 'cohort-below-minimum');
  });

  it('counts each patient once, by the earliest index admission that meets the cohort definition', () => {
    const admissions = syntheticAdmissions(40, { perPatient: 3 });
    for (const a of admissions) a.readmitted30d = a.encounterKey.endsWith('-0') ? 1 : 0; // only the earliest stay was followed by a readmission
    const body = {
      round: 'round-7',
      cohort: {},
      statistics: [{ id: 'outcome', variable: 'readmitted_30d', measures: ['count', 'histogram'], bins: [0, 1] }],
    };
    const { payload } = release({ request: request(body), admissions });
    assert.equal(payload.cohortPatients, 40);
    assert.equal(payload.statistics[0]!.count, 40);
    assert.deepEqual(payload.statistics[0]!.histogram!.cells, [0, 0, 40]);
  });

  it('refuses requests for maximum, median, raw values, unknown cohort filters, policy overrides and narrow bins, and a policy that protects nothing', () => {
    const admissions = syntheticAdmissions(100);
    const asking = (statistic: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      refusal(() => release({ request: request({ round: 'round-7', cohort: {}, statistics: [{ id: 'x', variable: 'lace', ...statistic }], ...extra }), admissions })).code;
    assert.equal(asking({ measures: ['max'] }), 'single-patient-statistic');
    assert.equal(asking({ measures: ['mean', 'median'] }), 'single-patient-statistic');
    assert.equal(asking({ measures: ['p95'] }), 'single-patient-statistic');
    assert.equal(asking({ measures: ['count'], min: true }), 'single-patient-statistic');
    assert.equal(asking({ measures: ['values'] }), 'patient-level-data-requested');
    assert.equal(asking({ measures: ['count'] }, { rawValues: true }), 'patient-level-data-requested');
    assert.equal(asking({ measures: ['geometric-mean'] }), 'unknown-statistic');
    assert.equal(asking({ measures: ['count'] }, { cohort: { postalCode: 'H3A' } }), 'cohort-filter-not-allowed');
    assert.equal(asking({ measures: ['count'] }, { minimumCellSize: 3 }), 'policy-override-refused');
    assert.equal(asking({ measures: ['count'], variable: 'birth_date' }), 'unknown-variable');
    assert.equal(asking({ measures: ['histogram'] }), 'bins-required');
    assert.equal(asking({ measures: ['histogram'], bins: [0, 2, 1] }), 'bins-not-ascending');
    assert.equal(asking({ measures: ['histogram'], variable: 'age_over_50', bins: [0, 1, 2, 3] }), 'bins-too-narrow');
    assert.equal(asking({ measures: ['count'] }, { round: 'Round 7; DROP' }), 'invalid-request');
    const twice = { round: 'round-7', cohort: {}, statistics: [{ id: 'a', variable: 'lace', measures: ['histogram'], bins: [0, 5, 10] }, { id: 'b', variable: 'lace', measures: ['histogram'], bins: [0, 6, 10] }] };
    assert.equal(refusal(() => release({ request: request(twice), admissions })).code, 'duplicate-variable');
    const narrowPolicy = localReleasePolicy({ minimumHistogramBinWidth: { lace: 5 } });
    const laceBins = { round: 'round-7', cohort: {}, statistics: [{ id: 'a', variable: 'lace', measures: ['histogram'], bins: [0, 2, 10] }] };
    assert.equal(refusal(() => release({ request: request(laceBins), admissions, policy: narrowPolicy })).code, 'bins-too-narrow');
    assert.equal(refusal(() => release({ request: { ...request(laceBins), kind: 'model-update' }, admissions })).code, 'wrong-request-kind');
    const weakPolicy = { ...localReleasePolicy(), minimumCellSize: 1 };
    assert.equal(refusal(() => release({ request: request(laceBins), admissions, policy: weakPolicy })).code, 'invalid-policy');
  });

  it('lets no pseudonym, encounter key, day number or date of the input admissions into the payload', () => {
    const admissions = syntheticAdmissions(400, { perPatient: 2 });
    const phenotypeNames = ['Normal Metabolizer', 'Intermediate Metabolizer', 'Poor Metabolizer', 'Rapid Metabolizer'];
    const phenotypes: PatientPhenotype[] = range(0, 349).map((p) => ({ pseudonym: markerPseudonym(p), gene: 'CYP2C19', phenotype: phenotypeNames[p % 4]! }));
    const { payload } = release({ request: request(fullBody()), admissions, phenotypes });
    const json = JSON.stringify(payload);
    for (const a of admissions) {
      assert.ok(!json.includes(a.pseudonym), 'pseudonym leaked');
      assert.ok(!json.includes(a.encounterKey) && !json.includes('MARKER'), 'encounter key leaked');
    }
    const numbers = (json.match(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi) ?? []).map(Number);
    assert.ok(numbers.every((n) => n < MARKER_DAY_BASE), 'a day number leaked');
    assert.doesNotMatch(json, /(?:19|20)\d{2}-\d{2}-\d{2}/, 'a date leaked');
    assert.doesNotMatch(json, /[0-9a-f]{32,}/i, 'a hex identifier leaked');
    assert.deepEqual(scanOutgoingPayload(payload, STATISTICS_PAYLOAD_SCAN_POLICY), []);
    const cyp = payload.phenotypes[0]!;
    assert.deepEqual(cyp.categories, ['intermediate-metabolizer', 'normal-metabolizer', 'poor-metabolizer', 'rapid-metabolizer', 'not-tested']);
    assert.equal(cyp.total, 400);
    assert.deepEqual(cyp.cells, [88, 88, 87, 87, 50]);
  });

  it('keeps the payload the same size for 1,000 and 100,000 admissions', () => {
    const small = release({ request: request(fullBody()), admissions: syntheticAdmissions(1_000) });
    const large = release({ request: request(fullBody()), admissions: syntheticAdmissions(100_000) });
    const bytes = (r: StatisticsRelease): number => Buffer.byteLength(JSON.stringify(r.payload));
    assert.equal(large.payload.cohortPatients, 100_000);
    assert.ok(bytes(large) < bytes(small) * 1.5, `${bytes(small)} bytes for 1,000 vs ${bytes(large)} for 100,000`);
    assert.ok(bytes(large) < 20_000, `${bytes(large)} bytes`);
  });

  it('adds Laplace noise, charges the privacy budget once per release and refuses when it is exhausted', () => {
    const policy = localReleasePolicy({ noise: 'laplace', epsilonPerRelease: 1, totalEpsilon: 2.5 });
    const budget = new PrivacyBudgetLedger({ totalEpsilon: 2.5, entries: [] });
    const releaseLedger = new ReleaseLedger();
    const admissions = syntheticAdmissions(500);
    const body = { round: 'round-7', cohort: {}, statistics: [{ id: 'lace', variable: 'lace', measures: ['count', 'mean'] }] };
    const uniform = () => 0.9; // noise of +ln(5) times the scale
    const noisy = release({ request: request(body, 1), admissions, policy, budget, releaseLedger, noise: { uniform } });
    // Two queries (cohort count, LACE sum) share epsilon 1: count scale 2, so +round(2 ln 5) = +3.
    assert.equal(noisy.payload.cohortPatients, 503);
    assert.equal(noisy.payload.statistics[0]!.count, 503);
    assert.equal(noisy.payload.epsilon, 1);
    assert.equal(budget.spent, 1);
    release({ request: request(body, 2), admissions, policy, budget, releaseLedger });
    assert.equal(budget.spent, 2);
    const exhausted = refusal(() => release({ request: request(body, 3), admissions, policy, budget, releaseLedger }));
    assert.equal(exhausted.code, 'privacy-budget-exhausted');
    assert.equal(budget.spent, 2, 'a refused release spends nothing');
    assert.equal(releaseLedger.records.length, 2);
    assert.equal(refusal(() => release({ request: request(body, 4), admissions, policy, releaseLedger })).code, 'privacy-budget-missing');
  });

  it('computes means and sample variances that match a hand computation, length of stay top-coded at 60 days', () => {
    const admissions = syntheticAdmissions(12);
    admissions.forEach((a, i) => {
      a.features.charlsonIndex = i; // 0..11
      a.features.lengthOfStayDays = i < 11 ? i + 1 : 100; // 1..11 and 100
    });
    const body = {
      round: 'round-7',
      cohort: {},
      statistics: [
        { id: 'charlson', variable: 'charlson_index', measures: ['count', 'mean', 'variance'] },
        { id: 'los', variable: 'length_of_stay_days', measures: ['mean', 'variance'] },
      ],
    };
    const { payload } = release({ request: request(body), admissions });
    const [charlson, los] = payload.statistics;
    // 0..11: mean 66/12 = 5.5; sum of squared deviations 143, / 11 = 13.
    assert.equal(charlson!.count, 12);
    assert.equal(charlson!.mean, 5.5);
    assert.ok(Math.abs(charlson!.variance! - 13) < 1e-12);
    // 1..11 and 100 -> 60: sum 126, mean 10.5; squares 506 + 3600 = 4106; 4106 - 12 * 10.5^2 = 2783; / 11 = 253.
    assert.equal(los!.mean, 10.5);
    assert.ok(Math.abs(los!.variance! - 253) < 1e-9);
  });

  it('withholds the prevalence of a binary variable when fewer than the minimum patients hold the rarer value', () => {
    const admissions = syntheticAdmissions(100);
    admissions.forEach((a, i) => (a.readmitted30d = i < 30 ? 1 : 0));
    const body = { round: 'round-7', cohort: {}, statistics: [{ id: 'outcome', variable: 'readmitted_30d', measures: ['mean'] }] };
    assert.equal(release({ request: request(body), admissions }).payload.statistics[0]!.mean, 0.3);
    admissions.forEach((a, i) => (a.readmitted30d = i < 5 ? 1 : 0));
    const { payload, checks } = release({ request: request(body), admissions });
    assert.equal(payload.statistics[0]!.mean, null, '5 readmissions out of 100 would be a small cell');
    assert.equal(checks.find((c) => c.id === 'moments')!.passed, false);
  });

  it('applies the cohort definition and lists every check with a sentence for the review screen', () => {
    const admissions = syntheticAdmissions(600);
    const body = { round: 'round-8', cohort: { minAgeYears: 65, sex: 'female', emergencyOnly: true }, statistics: [{ id: 'lace', variable: 'lace', measures: ['count', 'histogram'], bins: range(0, 19) }] };
    const expected = admissions.filter((a) => a.features.ageYears! >= 65 && a.features.sex === 'female' && a.features.emergencyAdmission).length;
    const { payload, checks, requiresStewardApproval } = release({ request: request(body), admissions });
    assert.equal(payload.cohortPatients, expected);
    assert.equal(requiresStewardApproval, true);
    assert.deepEqual([...new Set(checks.map((c) => c.id))], ['request', 'cohort-size', 'differencing', 'histogram-suppression', 'payload-scan', 'privacy-budget', 'approval']);
    assert.ok(checks.every((c) => typeof c.passed === 'boolean' && c.message.length > 20));
  });
});
