// Computes the answer to a verified 'aggregate-statistics' request under the local release
// policy. The unit of disclosure is the patient: each patient contributes exactly one index
// admission (the earliest that meets the cohort definition), so every count is a count of
// patients and the minimum cell size protects patients, not stays. The earliest stay rather than
// the latest, because a patient's latest stay is rarely followed by a readmission that is itself
// an index admission, which would bias the outcome prevalence down.
import { hospitalOfAdmission, laceOfAdmission } from '../features/readmission/admission-scores.ts';
import { FEATURE_SET } from '../features/readmission/feature-set.ts';
import type { IndexAdmission } from '../features/readmission/index-admissions.ts';
import type { ConsortiumRequest } from '../sync/consortium-request.ts';
import { suppressTable1d } from './cell-suppression.ts';
import { DisclosureRefusedError } from './disclosure-policy.ts';
import { assertPayloadReleasable } from './payload-scanner.ts';
import type { PayloadScanPolicy } from './payload-scanner.ts';
import { cryptoUniform } from './privacy-budget-ledger.ts';
import type { PrivacyBudgetLedger } from './privacy-budget-ledger.ts';
import type { ReleaseLedger } from './release-ledger.ts';
import { VARIABLE_DOMAINS, localReleasePolicy, parseStatisticsRequest } from './statistics-request.ts';
import type { CohortDefinition, LocalReleasePolicy, ReleaseVariable, StatisticRequest } from './statistics-request.ts';

/** A histogram as released: cells[0] is below edges[0], cells[i] is [edges[i-1], edges[i]), the last is at or above the last edge; null = suppressed. */
export interface ReleasedHistogram {
  edges: number[];
  cells: (number | null)[];
  total: number;
}

/** One requested statistic as released; a measure not asked for is absent, a withheld one is null. */
export interface ReleasedStatistic {
  id: string;
  variable: ReleaseVariable;
  count?: number;
  mean?: number | null;
  /** Sample variance (n - 1 denominator). */
  variance?: number | null;
  histogram?: ReleasedHistogram;
}

/** Patients per phenotype of one gene; scope 'cohort' includes a 'not-tested' category, 'node' counts every genotyped patient. */
export interface ReleasedPhenotypeTable {
  gene: string;
  scope: 'cohort' | 'node';
  categories: string[];
  cells: (number | null)[];
  /** null when the whole table is withheld. */
  total: number | null;
}

/** Everything that leaves the node for one request: numbers and codes, nothing per patient. */
export interface StatisticsReleasePayload {
  format: 'dsp-statistics-release-1';
  round: string;
  requestSequence: number;
  institutionId: string;
  policyVersion: string;
  minimumCellSize: number;
  noise: 'none' | 'laplace';
  /** Epsilon spent by this release; 0 without noise. */
  epsilon: number;
  cohortPatients: number;
  statistics: ReleasedStatistic[];
  phenotypes: ReleasedPhenotypeTable[];
}

/** One policy check as the data steward's review screen shows it. */
export interface PolicyCheck {
  id: 'request' | 'cohort-size' | 'differencing' | 'histogram-suppression' | 'moments' | 'phenotypes' | 'privacy-budget' | 'payload-scan' | 'approval';
  /** The statistic id or gene the check is about. */
  subject?: string;
  passed: boolean;
  /** 'withheld': this item is left out and the rest goes; 'refused': nothing goes. */
  outcome: 'passed' | 'withheld' | 'refused';
  message: string;
}

/** A patient's phenotype for one gene; restricted to the cohort before counting. */
export interface PatientPhenotype {
  pseudonym: string;
  gene: string;
  phenotype: string;
}

/** Patients per gene and phenotype over the whole node (GenomicsStore.pgxSummary() flattened). */
export interface PhenotypeCount {
  gene: string;
  phenotype: string;
  patients: number;
}

/** Inputs of computeStatisticsRelease. */
export interface StatisticsReleaseInput {
  /** A request that verifyConsortiumRequest accepted. */
  request: ConsortiumRequest;
  admissions: readonly IndexAdmission[];
  phenotypes?: readonly PatientPhenotype[] | readonly PhenotypeCount[];
  policy: LocalReleasePolicy;
  /** Source of uniform (0, 1) draws for Laplace noise; the CSPRNG unless a test fixes it. */
  noise?: { uniform?: () => number };
  /** Required when the policy adds noise. */
  budget?: PrivacyBudgetLedger;
  /** Required: without it a release cannot be checked against earlier ones (differencing). */
  releaseLedger: ReleaseLedger;
  institutionId: string;
  at?: Date;
}

/** A computed release: the payload to sign and send, and the checks behind it. */
export interface StatisticsRelease {
  payload: StatisticsReleasePayload;
  checks: PolicyCheck[];
  /** Local id under which the release ledger recorded the cohort. */
  releaseId: string;
  requiresStewardApproval: boolean;
}

/** A refused release, with the checks up to and including the one that refused it. */
export class StatisticsReleaseRefusedError extends DisclosureRefusedError {
  constructor(
    message: string,
    code: string,
    readonly checks: PolicyCheck[],
  ) {
    super(message, code);
  }
}

/** The keys a statistics payload may hold, and which of them carry codes. */
export const STATISTICS_PAYLOAD_SCAN_POLICY: PayloadScanPolicy = {
  allowedKeys: new Set([
    'format', 'round', 'requestSequence', 'institutionId', 'policyVersion', 'minimumCellSize', 'noise', 'epsilon', 'cohortPatients',
    'statistics', 'id', 'variable', 'count', 'mean', 'variance', 'histogram', 'edges', 'cells', 'total',
    'phenotypes', 'gene', 'scope', 'categories',
  ]),
  codeValueKeys: new Set(['format', 'round', 'institutionId', 'policyVersion', 'noise', 'id', 'variable', 'gene', 'scope', 'categories']),
};

/** The JWS `typ` a node uses when it signs a statistics payload (detached-jws.ts). */
export const STATISTICS_RELEASE_JWS_TYPE = 'dataspace-statistics-release+jws';

const NOT_TESTED = 'not-tested';

function inCohort(a: IndexAdmission, cohort: CohortDefinition): boolean {
  const age = a.features.ageYears;
  if ((cohort.minAgeYears !== undefined || cohort.maxAgeYears !== undefined) && age === null) return false;
  if (cohort.minAgeYears !== undefined && age! < cohort.minAgeYears) return false;
  if (cohort.maxAgeYears !== undefined && age! > cohort.maxAgeYears) return false;
  if (cohort.sex !== undefined && a.features.sex !== cohort.sex) return false;
  return !cohort.emergencyOnly || a.features.emergencyAdmission;
}

const isEarlier = (a: IndexAdmission, b: IndexAdmission): boolean =>
  a.admitDay !== b.admitDay ? a.admitDay < b.admitDay : a.dischargeDay !== b.dischargeDay ? a.dischargeDay < b.dischargeDay : a.encounterKey < b.encounterKey;

/** One index admission per patient: the earliest that meets the cohort definition. */
export function selectCohort(admissions: readonly IndexAdmission[], cohort: CohortDefinition): IndexAdmission[] {
  const earliest = new Map<string, IndexAdmission>();
  for (const a of admissions) {
    if (!inCohort(a, cohort)) continue;
    const b = earliest.get(a.pseudonym);
    if (!b || isEarlier(a, b)) earliest.set(a.pseudonym, a);
  }
  return [...earliest.values()];
}

function valueOf(variable: ReleaseVariable): (a: IndexAdmission) => number {
  const feature = FEATURE_SET.features.find((f) => f.name === variable);
  if (feature) return (a) => feature.value(a.features);
  if (variable === 'lace') return (a) => laceOfAdmission(a.features);
  if (variable === 'hospital') return (a) => hospitalOfAdmission(a.features);
  if (variable === 'length_of_stay_days') return (a) => a.features.lengthOfStayDays;
  return (a) => a.readmitted30d;
}

/** Index of the histogram cell of v: the number of edges at or below it. */
function cellOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Moments {
  sum: number;
  sumOfSquares: number;
  mean: number;
  variance: number;
}

/** A statistic before noise: exact released values plus what noise needs. */
interface DraftStatistic {
  released: ReleasedStatistic;
  moments?: Moments;
  domain: { lower: number; upper: number };
}

function momentsOf(values: Float64Array): Moments {
  let sum = 0;
  let sumOfSquares = 0;
  for (const v of values) {
    sum += v;
    sumOfSquares += v * v;
  }
  const mean = sum / values.length;
  let squaredDeviations = 0;
  for (const v of values) squaredDeviations += (v - mean) ** 2;
  return { sum, sumOfSquares, mean, variance: squaredDeviations / (values.length - 1) };
}

/** How many patients hold a value other than the most common one. */
function patientsOffMode(values: Float64Array): number {
  const counts = new Map<number, number>();
  let modeCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > modeCount) modeCount = c;
  }
  return values.length - modeCount;
}

function draftStatistic(statistic: StatisticRequest, cohort: readonly IndexAdmission[], policy: LocalReleasePolicy, checks: PolicyCheck[]): DraftStatistic {
  const { id, variable, measures } = statistic;
  const min = policy.minimumCellSize;
  const domain = VARIABLE_DOMAINS[variable]!;
  const value = valueOf(variable);
  const raw = new Float64Array(cohort.length);
  for (let i = 0; i < cohort.length; i++) raw[i] = value(cohort[i]!);
  const released: ReleasedStatistic = { id, variable };
  if (measures.includes('count')) released.count = cohort.length;
  let histogramHidesCells = false;
  if (statistic.bins) {
    const edges = statistic.bins;
    const counts = new Array<number>(edges.length + 1).fill(0);
    for (const v of raw) counts[cellOf(edges, v)]!++;
    const table = suppressTable1d(counts, policy);
    histogramHidesCells = table.primary.length + table.complementary.length > 0;
    released.histogram = { edges: [...edges], cells: table.cells, total: table.total };
    checks.push({
      id: 'histogram-suppression',
      subject: id,
      passed: true,
      outcome: 'passed',
      message: histogramHidesCells
        ? `Histogram of ${variable}: ${table.primary.length} cell(s) under ${min} patients suppressed, and ${table.complementary.length} more so that the total does not give them back; the hidden cells hold at least ${min} patients together.`
        : `Histogram of ${variable}: every non-empty cell holds at least ${min} patients.`,
    });
  }
  if (!measures.includes('mean') && !measures.includes('variance')) return { released, domain };
  // Means and variances use the variable clamped to its domain (top-coded), as noise needs.
  const clamped = new Float64Array(raw.length);
  for (let i = 0; i < raw.length; i++) clamped[i] = Math.min(Math.max(raw[i]!, domain.lower), domain.upper);
  const asked = measures.includes('mean') && measures.includes('variance') ? 'Mean and variance' : measures.includes('mean') ? 'Mean' : 'Variance';
  const withheld = (message: string): DraftStatistic => {
    if (measures.includes('mean')) released.mean = null;
    if (measures.includes('variance')) released.variance = null;
    checks.push({ id: 'moments', subject: id, passed: false, outcome: 'withheld', message });
    return { released, domain };
  };
  if (histogramHidesCells) {
    // With n and the histogram's total, the sum (and sum of squares) are extra equations over the
    // hidden cells; with narrow bins they solve them exactly.
    return withheld(`${asked} of ${variable} withheld: with the histogram's total, the sum behind it would solve the suppressed cells. Ask for ${asked === 'Mean and variance' ? 'them' : 'it'} without a histogram.`);
  }
  const offMode = patientsOffMode(clamped);
  if (offMode < min) {
    // A mean over patients who nearly all share one value is the sum of the few others (for a 0/1
    // variable, their count): the small-cell problem in another form.
    return withheld(`${asked} of ${variable} withheld: fewer than ${min} patients have a value other than the most common one, so it would describe those few patients.`);
  }
  const moments = momentsOf(clamped);
  if (measures.includes('mean')) released.mean = moments.mean;
  if (measures.includes('variance')) released.variance = moments.variance;
  checks.push({ id: 'moments', subject: id, passed: true, outcome: 'passed', message: `${asked} of ${variable}: blends ${cohort.length} patients, ${offMode} of whom differ from the most common value; no minimum, maximum or median is released.` });
  return { released, moments, domain };
}

function slug(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'unlabelled';
}

function isPatientList(list: readonly PatientPhenotype[] | readonly PhenotypeCount[]): list is readonly PatientPhenotype[] {
  return list.length === 0 || 'pseudonym' in list[0]!;
}

function phenotypeCounts(gene: string, cohort: readonly IndexAdmission[], input: StatisticsReleaseInput['phenotypes']): { scope: 'cohort' | 'node'; counts: Map<string, number> } {
  const counts = new Map<string, number>();
  const add = (category: string, patients: number): void => void counts.set(category, (counts.get(category) ?? 0) + patients);
  if (input && !isPatientList(input)) {
    for (const row of input) if (row.gene === gene) add(slug(row.phenotype), row.patients);
    return { scope: 'node', counts };
  }
  const members = new Set(cohort.map((a) => a.pseudonym));
  const byPatient = new Map<string, string>();
  for (const row of input ?? []) if (row.gene === gene && members.has(row.pseudonym) && !byPatient.has(row.pseudonym)) byPatient.set(row.pseudonym, slug(row.phenotype));
  for (const category of byPatient.values()) add(category, 1);
  add(NOT_TESTED, members.size - byPatient.size);
  return { scope: 'cohort', counts };
}

function draftPhenotypes(
  genes: readonly string[],
  input: StatisticsReleaseInput['phenotypes'],
  policy: LocalReleasePolicy,
  cohort: readonly IndexAdmission[],
  checks: PolicyCheck[],
): ReleasedPhenotypeTable[] {
  const min = policy.minimumCellSize;
  return genes.map((gene) => {
    if (!input) {
      checks.push({ id: 'phenotypes', subject: gene, passed: false, outcome: 'withheld', message: `Phenotypes of ${gene} withheld: no phenotype data was supplied to this release.` });
      return { gene, scope: 'cohort', categories: [], cells: [], total: null };
    }
    const { scope, counts } = phenotypeCounts(gene, cohort, input);
    const categories = [...counts.keys()].sort((a, b) => (a === NOT_TESTED ? 1 : b === NOT_TESTED ? -1 : a.localeCompare(b)));
    const values = categories.map((c) => counts.get(c)!);
    const total = values.reduce((a, b) => a + b, 0);
    if (total > 0 && total < min) {
      checks.push({ id: 'phenotypes', subject: gene, passed: false, outcome: 'withheld', message: `Phenotypes of ${gene} withheld: fewer than ${min} patients are genotyped for it.` });
      return { gene, scope, categories: [], cells: [], total: null };
    }
    const table = suppressTable1d(values, policy);
    const hidden = table.primary.length + table.complementary.length;
    checks.push({
      id: 'phenotypes',
      subject: gene,
      passed: true,
      outcome: 'passed',
      message: `Phenotypes of ${gene} (${scope === 'cohort' ? 'cohort patients, with those not tested' : 'every genotyped patient of this node'}): ${hidden === 0 ? `every non-empty category holds at least ${min} patients` : `${hidden} categor${hidden === 1 ? 'y' : 'ies'} suppressed so no group under ${min} can be read or recovered`}.`,
    });
    return { gene, scope, categories, cells: table.cells, total: table.total };
  });
}

/**
 * Laplace noise over a whole release: epsilonPerRelease is split evenly over its queries
 * (sequential composition); the cells of one histogram are one query of L1 sensitivity 1
 * (parallel composition). Suppression is decided on the exact counts first.
 */
function addNoise(payload: StatisticsReleasePayload, drafts: readonly DraftStatistic[], epsilon: number, uniform: () => number): void {
  const queries =
    1 +
    drafts.reduce((k, d) => k + (d.released.histogram ? 1 : 0) + (d.moments ? (d.released.variance === undefined ? 1 : 2) : 0), 0) +
    payload.phenotypes.filter((t) => t.total !== null).length;
  const eq = epsilon / queries;
  const laplace = (scale: number): number => {
    const u = uniform() - 0.5;
    return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  };
  const count = (v: number | null, scale: number): number | null => (v === null ? null : Math.max(0, Math.round(v + laplace(scale))));
  const n = Math.max(2, count(payload.cohortPatients, 1 / eq)!);
  payload.cohortPatients = n;
  for (const { released, moments, domain } of drafts) {
    if (released.count !== undefined) released.count = n;
    if (released.histogram) released.histogram = { ...released.histogram, cells: released.histogram.cells.map((c) => count(c, 1 / eq)), total: n };
    if (!moments) continue;
    const bound = Math.max(Math.abs(domain.lower), Math.abs(domain.upper));
    const mean = Math.min(Math.max((moments.sum + laplace(bound / eq)) / n, domain.lower), domain.upper);
    if (released.mean !== undefined) released.mean = mean;
    if (released.variance !== undefined) {
      const sumOfSquares = moments.sumOfSquares + laplace((bound * bound) / eq);
      released.variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
    }
  }
  for (const table of payload.phenotypes) {
    if (table.total === null) continue;
    // A cohort table's total is the cohort count already released; a node table's is its own query (sensitivity 2 with its cells).
    const scale = table.scope === 'cohort' ? 1 / eq : 2 / eq;
    table.cells = table.cells.map((c) => count(c, scale));
    table.total = table.scope === 'cohort' ? n : count(table.total, scale)!;
  }
}

function checkBudget(policy: LocalReleasePolicy, budget: PrivacyBudgetLedger | undefined): void {
  if (policy.noise !== 'laplace') return;
  if (!budget) throw new DisclosureRefusedError('The local policy adds noise but no privacy budget ledger was given.', 'privacy-budget-missing');
  if (budget.toJSON().totalEpsilon > policy.totalEpsilon + 1e-12) {
    throw new DisclosureRefusedError(`The privacy budget ledger allows more than the policy's total epsilon of ${policy.totalEpsilon}.`, 'privacy-budget-policy-mismatch');
  }
  if (policy.epsilonPerRelease > budget.remaining + 1e-12) {
    throw new DisclosureRefusedError(
      `The privacy budget is exhausted: ${budget.remaining.toFixed(3)} of ${policy.totalEpsilon} left, ${policy.epsilonPerRelease} needed for this release.`,
      'privacy-budget-exhausted',
    );
  }
}

/** Computes the release for a verified request, or throws StatisticsReleaseRefusedError naming the failed check. */
export function computeStatisticsRelease(input: StatisticsReleaseInput): StatisticsRelease {
  const { request, releaseLedger } = input;
  const at = input.at ?? new Date();
  const checks: PolicyCheck[] = [];
  const pass = (id: PolicyCheck['id'], message: string): void => void checks.push({ id, passed: true, outcome: 'passed', message });
  const step = <T>(id: PolicyCheck['id'], fn: () => T): T => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof DisclosureRefusedError)) throw error;
      checks.push({ id, passed: false, outcome: 'refused', message: error.message });
      throw new StatisticsReleaseRefusedError(error.message, error.code, checks);
    }
  };

  // Re-validated here too: a policy that protects nothing must not slip in by hand-built object.
  const policy = step('request', () => localReleasePolicy(input.policy));
  const body = step('request', () => parseStatisticsRequest(request, policy));
  const min = policy.minimumCellSize;
  pass('request', 'The request asks only for counts, means, variances and fixed-bin histograms of known variables, with no minimum, maximum, median or patient-level values.');
  const cohort = selectCohort(input.admissions, body.cohort);
  step('cohort-size', () => {
    if (cohort.length < min) throw new DisclosureRefusedError(`The cohort has fewer than ${min} patients.`, 'cohort-below-minimum');
  });
  pass('cohort-size', `The cohort has ${cohort.length} patients, each counted once (their earliest matching index admission); the minimum is ${min}.`);
  const members = cohort.map((a) => a.pseudonym);
  step('differencing', () => {
    if (releaseLedger.policy.minimumCellSize < min) {
      throw new DisclosureRefusedError(`The release ledger checks differences against ${releaseLedger.policy.minimumCellSize}, below the policy's ${min}.`, 'release-ledger-policy-mismatch');
    }
    releaseLedger.check(members);
  });
  pass('differencing', `No earlier release has a cohort that differs from this one by 1 to ${min - 1} patients, so the two cannot be subtracted.`);
  step('privacy-budget', () => checkBudget(policy, input.budget));

  const drafts = body.statistics.map((s) => draftStatistic(s, cohort, policy, checks));
  const payload: StatisticsReleasePayload = {
    format: 'dsp-statistics-release-1',
    round: body.round,
    requestSequence: request.sequence,
    institutionId: input.institutionId,
    policyVersion: policy.version,
    minimumCellSize: min,
    noise: policy.noise,
    epsilon: policy.noise === 'laplace' ? policy.epsilonPerRelease : 0,
    cohortPatients: cohort.length,
    statistics: drafts.map((d) => d.released),
    phenotypes: draftPhenotypes(body.phenotypes ?? [], input.phenotypes, policy, cohort, checks),
  };
  if (policy.noise === 'laplace') addNoise(payload, drafts, policy.epsilonPerRelease, input.noise?.uniform ?? cryptoUniform);
  step('payload-scan', () => assertPayloadReleasable(payload, STATISTICS_PAYLOAD_SCAN_POLICY));
  pass('payload-scan', 'The payload holds only numbers, the round, statistic and variable ids, bin edges, the policy version and the institution id; it was scanned for pseudonyms, identifiers, dates and free text.');

  // Commit only once nothing can refuse: spend the budget, then remember the cohort.
  const releaseId = `${body.round}/${request.sequence}`;
  if (policy.noise === 'laplace') {
    input.budget!.spend(policy.epsilonPerRelease, `statistics release ${releaseId}`, at);
    pass('privacy-budget', `Laplace noise added (ε = ${policy.epsilonPerRelease} for this release); ${input.budget!.remaining.toFixed(3)} of ${policy.totalEpsilon} remain.`);
  } else {
    pass('privacy-budget', 'No noise is added (local policy): the release relies on cell suppression and the checks above.');
  }
  releaseLedger.record(releaseId, members, at);
  const requiresStewardApproval = !policy.unattendedApproval;
  pass('approval', requiresStewardApproval ? 'A data steward must approve this release before it leaves (local policy).' : 'The local policy lets a release that passes every check leave without a steward’s approval.');
  return { payload, checks, releaseId, requiresStewardApproval };
}
