// What the consortium may ask of this node as aggregate statistics, and the local policy that
// bounds it. The request body is parsed strictly: a measure that is one patient's value (min,
// max, median), a request for patient-level values, a cohort filter or field the schema does not
// know, or a policy setting sent from outside is refused with a code, never ignored. The local
// policy is set on the node and nothing in a request can change it.
import { z } from 'zod';
import { FEATURE_SET } from '../features/readmission/feature-set.ts';
import type { ConsortiumRequest } from '../sync/consortium-request.ts';
import { BugIndicatingError } from '../util/errors.ts';
import { DEFAULT_DISCLOSURE_POLICY, DisclosureRefusedError } from './disclosure-policy.ts';
import type { DisclosurePolicy } from './disclosure-policy.ts';

export const STATISTICS_REQUEST_KIND = 'aggregate-statistics';

/** A variable a statistic may describe: a FEATURE_SET feature name or one of the clinical variables. */
export type ReleaseVariable = string;

/** The measures a statistic may ask for; each blends at least the minimum cell size of patients. */
export const STATISTICS_MEASURES = ['count', 'mean', 'variance', 'histogram'] as const;
export type StatisticsMeasure = (typeof STATISTICS_MEASURES)[number];

/** Range of a variable (values are clamped to it for means and variances) and its default narrowest bin. */
export interface VariableDomain {
  lower: number;
  upper: number;
  minimumBinWidth: number;
}

// Bounds follow the caps of FEATURE_SET (feature-set.ts) and the published score ranges (LACE
// 0-19, van Walraven 2010; HOSPITAL 0-13, Donzé 2013). Bounded values keep one patient from
// dominating a mean and give Laplace noise a finite sensitivity. Age bins of 5 years follow the
// usual age bands of health statistics; length of stay is top-coded at 60 days for means, as the
// model feature is.
const FEATURE_DOMAINS: Record<string, VariableDomain> = {
  age_over_50: { lower: 0, upper: 70, minimumBinWidth: 5 },
  sex_female: { lower: 0, upper: 1, minimumBinWidth: 1 },
  log_length_of_stay: { lower: 0, upper: Math.log1p(60), minimumBinWidth: 0.25 },
  emergency_admission: { lower: 0, upper: 1, minimumBinWidth: 1 },
  charlson_index: { lower: 0, upper: 12, minimumBinWidth: 1 },
  prior_ed_visits_6m: { lower: 0, upper: 5, minimumBinWidth: 1 },
  prior_admissions_12m: { lower: 0, upper: 5, minimumBinWidth: 1 },
  hemoglobin_below_12: { lower: 0, upper: 6, minimumBinWidth: 0.5 },
  sodium_below_135: { lower: 0, upper: 10, minimumBinWidth: 1 },
  procedure_during_stay: { lower: 0, upper: 1, minimumBinWidth: 1 },
  oncology: { lower: 0, upper: 1, minimumBinWidth: 1 },
  active_medications: { lower: 0, upper: 15, minimumBinWidth: 1 },
  imaging_during_stay: { lower: 0, upper: 5, minimumBinWidth: 1 },
  pgx_alert: { lower: 0, upper: 1, minimumBinWidth: 1 },
};

const CLINICAL_DOMAINS: Record<string, VariableDomain> = {
  lace: { lower: 0, upper: 19, minimumBinWidth: 1 },
  hospital: { lower: 0, upper: 13, minimumBinWidth: 1 },
  length_of_stay_days: { lower: 0, upper: 60, minimumBinWidth: 1 },
  readmitted_30d: { lower: 0, upper: 1, minimumBinWidth: 1 },
};

// A new feature without a domain would be released unbounded: fail at load instead.
for (const feature of FEATURE_SET.features) {
  if (!FEATURE_DOMAINS[feature.name]) throw new BugIndicatingError(`Feature ${feature.name} has no release domain in statistics-request.ts.`);
}

/** Every releasable variable with its domain, FEATURE_SET order first. */
export const VARIABLE_DOMAINS: Readonly<Record<ReleaseVariable, VariableDomain>> = Object.freeze({
  ...Object.fromEntries(FEATURE_SET.features.map((f) => [f.name, FEATURE_DOMAINS[f.name]!])),
  ...CLINICAL_DOMAINS,
});

export const RELEASE_VARIABLES: readonly ReleaseVariable[] = Object.keys(VARIABLE_DOMAINS);

/** The node's own release policy: DisclosurePolicy plus noise, budget and approval settings. */
export interface LocalReleasePolicy extends DisclosurePolicy {
  /** 'laplace' adds Laplace noise to every released number on top of cell suppression; 'none' releases suppressed exact aggregates. */
  noise: 'none' | 'laplace';
  /** Epsilon one release spends in total, split evenly over its noised queries (sequential composition). */
  epsilonPerRelease: number;
  /** Lifetime epsilon of this node; the PrivacyBudgetLedger passed in must not allow more. */
  totalEpsilon: number;
  /** true: a release that passes every check may leave without a data steward approving it on the review screen. */
  unattendedApproval: boolean;
  /** Narrowest histogram bin per variable in its own units, over the defaults of VARIABLE_DOMAINS. */
  minimumHistogramBinWidth?: Partial<Record<ReleaseVariable, number>>;
}

export const DEFAULT_LOCAL_RELEASE_POLICY: LocalReleasePolicy = {
  ...DEFAULT_DISCLOSURE_POLICY,
  version: 'dsp-release-1',
  noise: 'none',
  epsilonPerRelease: 1,
  totalEpsilon: 10,
  unattendedApproval: false,
  minimumHistogramBinWidth: {},
};

/** The default policy with local overrides, checked for sense (a policy that protects nothing is a bug). */
export function localReleasePolicy(overrides: Partial<LocalReleasePolicy> = {}): LocalReleasePolicy {
  const policy: LocalReleasePolicy = { ...DEFAULT_LOCAL_RELEASE_POLICY, ...overrides };
  if (!Number.isInteger(policy.minimumCellSize) || policy.minimumCellSize < 2) {
    throw new DisclosureRefusedError('The minimum cell size must be an integer of at least 2.', 'invalid-policy');
  }
  if (!(policy.epsilonPerRelease > 0) || !(policy.totalEpsilon >= policy.epsilonPerRelease) || !Number.isFinite(policy.totalEpsilon)) {
    throw new DisclosureRefusedError('Epsilon per release must be positive and no more than the total epsilon.', 'invalid-policy');
  }
  for (const [variable, width] of Object.entries(policy.minimumHistogramBinWidth ?? {})) {
    if (!VARIABLE_DOMAINS[variable] || !(width !== undefined && width > 0)) {
      throw new DisclosureRefusedError(`The minimum bin width for "${variable}" is not valid.`, 'invalid-policy');
    }
  }
  return policy;
}

/** Narrowest bin the policy allows for a variable. */
export function minimumBinWidth(policy: LocalReleasePolicy, variable: ReleaseVariable): number {
  return policy.minimumHistogramBinWidth?.[variable] ?? VARIABLE_DOMAINS[variable]!.minimumBinWidth;
}

const CODE = /^[a-z][a-z0-9_.-]{0,47}$/;
const GENE = /^[A-Z0-9][A-Z0-9-]{0,15}$/;
const MAX_STATISTICS = RELEASE_VARIABLES.length;
const MAX_BIN_EDGES = 64;
const MAX_GENES = 32;

/** The body of an 'aggregate-statistics' request. */
export const statisticsRequestBodySchema = z.strictObject({
  round: z.string().regex(CODE),
  cohort: z.strictObject({
    minAgeYears: z.number().int().min(0).max(120).optional(),
    maxAgeYears: z.number().int().min(0).max(120).optional(),
    sex: z.enum(['female', 'male']).optional(),
    emergencyOnly: z.boolean().optional(),
  }),
  statistics: z
    .array(
      z.strictObject({
        id: z.string().regex(CODE),
        variable: z.enum(RELEASE_VARIABLES as [string, ...string[]]),
        measures: z.array(z.enum(STATISTICS_MEASURES)).min(1).max(STATISTICS_MEASURES.length),
        bins: z.array(z.number()).min(2).max(MAX_BIN_EDGES).optional(),
      }),
    )
    .min(1)
    .max(MAX_STATISTICS),
  phenotypes: z.array(z.string().regex(GENE)).max(MAX_GENES).optional(),
});

export type StatisticsRequestBody = z.infer<typeof statisticsRequestBodySchema>;
export type StatisticRequest = StatisticsRequestBody['statistics'][number];
export type CohortDefinition = StatisticsRequestBody['cohort'];

// Each of these is one patient's value (disclosure-policy.ts); p50, p95 ... are percentiles.
const SINGLE_PATIENT = /^(min|minimum|max|maximum|range|median|mode|percentiles?|quantiles?|first|last|extremes?|p\d{1,2})$/i;
const PATIENT_LEVEL = /^(raw|values|list|records|rows|patients|pseudonyms?|ids|individual|microdata|samples|export|admissions|encounters)/i;
const POLICY_FIELDS = new Set(['minimumCellSize', 'suppressZeros', 'noise', 'epsilon', 'epsilonPerRelease', 'totalEpsilon', 'unattendedApproval', 'minimumHistogramBinWidth', 'policy']);

interface Finding {
  rank: number;
  code: string;
  message: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function classifyKey(key: string, where: string, known: readonly string[]): Finding | undefined {
  if (known.includes(key)) return undefined;
  if (SINGLE_PATIENT.test(key)) return { rank: 0, code: 'single-patient-statistic', message: `"${key}" (${where}) is the value of a single patient and is never released.` };
  if (PATIENT_LEVEL.test(key)) return { rank: 1, code: 'patient-level-data-requested', message: `"${key}" (${where}) asks for patient-level values; only aggregates leave the node.` };
  if (POLICY_FIELDS.has(key)) return { rank: 2, code: 'policy-override-refused', message: `"${key}" (${where}) tries to set the disclosure policy, which only this node sets.` };
  if (where === 'cohort') return { rank: 3, code: 'cohort-filter-not-allowed', message: `The cohort filter "${key}" is not one this node accepts (age, sex, emergency only).` };
  return { rank: 4, code: 'request-field-not-allowed', message: `"${key}" (${where}) is not part of an aggregate-statistics request.` };
}

// Walks the raw body before the schema so a refusal names the most serious problem, whatever
// order the schema would report its issues in.
function disallowedAsks(body: unknown): Finding[] {
  if (!isRecord(body)) return [];
  const findings: (Finding | undefined)[] = Object.keys(body).map((k) => classifyKey(k, 'request', Object.keys(statisticsRequestBodySchema.shape)));
  if (isRecord(body.cohort)) findings.push(...Object.keys(body.cohort).map((k) => classifyKey(k, 'cohort', ['minAgeYears', 'maxAgeYears', 'sex', 'emergencyOnly'])));
  const statistics = Array.isArray(body.statistics) ? body.statistics : [];
  statistics.forEach((s: unknown, i) => {
    if (!isRecord(s)) return;
    findings.push(...Object.keys(s).map((k) => classifyKey(k, `statistic ${i + 1}`, ['id', 'variable', 'measures', 'bins'])));
    for (const measure of Array.isArray(s.measures) ? s.measures : []) {
      const name = String(measure);
      if ((STATISTICS_MEASURES as readonly string[]).includes(name)) continue;
      const where = `statistic ${i + 1} measure`;
      findings.push(
        SINGLE_PATIENT.test(name) || PATIENT_LEVEL.test(name)
          ? classifyKey(name, where, [])
          : { rank: 5, code: 'unknown-statistic', message: `"${name}" is not a measure this policy releases (count, mean, variance, histogram).` },
      );
    }
    if (typeof s.variable === 'string' && !RELEASE_VARIABLES.includes(s.variable)) {
      findings.push({ rank: 6, code: 'unknown-variable', message: `"${s.variable}" is not a releasable variable.` });
    }
  });
  return findings.filter((f): f is Finding => f !== undefined).sort((a, b) => a.rank - b.rank);
}

function checkBins(statistic: StatisticRequest, policy: LocalReleasePolicy): void {
  const wantsHistogram = statistic.measures.includes('histogram');
  if (wantsHistogram && !statistic.bins) {
    // Bins chosen from the data (quantiles, Freedman-Diaconis) would encode patients' values.
    throw new DisclosureRefusedError(`Statistic "${statistic.id}" asks for a histogram without fixed bin edges from the coordinator.`, 'bins-required');
  }
  if (!wantsHistogram && statistic.bins) {
    throw new DisclosureRefusedError(`Statistic "${statistic.id}" gives bins but asks for no histogram.`, 'bins-without-histogram');
  }
  const edges = statistic.bins ?? [];
  const narrowest = minimumBinWidth(policy, statistic.variable);
  for (let i = 1; i < edges.length; i++) {
    const width = edges[i]! - edges[i - 1]!;
    if (!(width > 0)) throw new DisclosureRefusedError(`The bin edges of "${statistic.id}" are not strictly ascending.`, 'bins-not-ascending');
    if (width < narrowest - 1e-9) {
      throw new DisclosureRefusedError(
        `The bin [${edges[i - 1]}, ${edges[i]}) of "${statistic.id}" is narrower than the ${narrowest} this node allows for ${statistic.variable}.`,
        'bins-too-narrow',
      );
    }
  }
}

/** Parses and checks a verified request against the local policy; throws DisclosureRefusedError with a code. */
export function parseStatisticsRequest(request: ConsortiumRequest, policy: LocalReleasePolicy): StatisticsRequestBody {
  if (request.kind !== STATISTICS_REQUEST_KIND) {
    throw new DisclosureRefusedError(`A request of kind "${request.kind}" is not an aggregate-statistics request.`, 'wrong-request-kind');
  }
  const [worst, ...rest] = disallowedAsks(request.body);
  if (worst) throw new DisclosureRefusedError(rest.length > 0 ? `${worst.message} (and ${rest.length} more problem(s))` : worst.message, worst.code);
  const parsed = statisticsRequestBodySchema.safeParse(request.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DisclosureRefusedError(`The request is not valid at ${issue.path.join('.') || 'its top level'}: ${issue.message}.`, 'invalid-request');
  }
  const body = parsed.data;
  const { minAgeYears, maxAgeYears } = body.cohort;
  if (minAgeYears !== undefined && maxAgeYears !== undefined && minAgeYears > maxAgeYears) {
    throw new DisclosureRefusedError('The cohort minimum age is above its maximum age.', 'invalid-cohort');
  }
  const ids = new Set<string>();
  const variables = new Set<string>();
  for (const statistic of body.statistics) {
    if (ids.has(statistic.id)) throw new DisclosureRefusedError(`Statistic id "${statistic.id}" appears twice.`, 'duplicate-statistic-id');
    // Two histograms of one variable with different bins can be subtracted into a narrower bin.
    if (variables.has(statistic.variable)) {
      throw new DisclosureRefusedError(`The variable ${statistic.variable} appears in two statistics; ask for it once.`, 'duplicate-variable');
    }
    if (new Set(statistic.measures).size !== statistic.measures.length) {
      throw new DisclosureRefusedError(`Statistic "${statistic.id}" lists a measure twice.`, 'invalid-request');
    }
    ids.add(statistic.id);
    variables.add(statistic.variable);
    checkBins(statistic, policy);
  }
  if (body.phenotypes && new Set(body.phenotypes).size !== body.phenotypes.length) {
    throw new DisclosureRefusedError('A gene is listed twice under phenotypes.', 'invalid-request');
  }
  return body;
}
