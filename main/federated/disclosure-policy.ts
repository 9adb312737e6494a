// The local disclosure policy: what may leave the node as an aggregate. Thresholds follow
// the usual national-statistics practice (Statistics Canada Disclosure Control guidance;
// ONS "Disclosure control for health statistics": suppress counts below a minimum, never
// publish extreme or single-unit values).

/** The policy in force; versioned so each release records what it was checked against. */
export interface DisclosurePolicy {
  version: string;
  /** Counts from 1 to minimumCellSize - 1 are suppressed; cohorts smaller than this are refused. */
  minimumCellSize: number;
  /** Zeros can disclose too (everyone in a group shares an attribute); off by default as most zeros are structural. */
  suppressZeros: boolean;
}

export const DEFAULT_DISCLOSURE_POLICY: DisclosurePolicy = { version: 'dsp-disclosure-1', minimumCellSize: 11, suppressZeros: false };

/** A release the policy does not allow: expected, shown to the user with the reason. */
export class DisclosureRefusedError extends Error {
  override readonly name = 'DisclosureRefusedError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Summary statistics that may leave the node; each blends at least minimumCellSize patients. */
export type ReleasableStatistic = 'count' | 'sum' | 'mean' | 'sd';

// Minimum, maximum, median, percentiles and mode are each the value of one patient.
const SINGLE_PATIENT_STATISTICS = new Set(['min', 'minimum', 'max', 'maximum', 'range', 'median', 'mode', 'percentile', 'quantile', 'first', 'last']);

/** Summarises values for release, refusing small groups and single-patient statistics. */
export function summarizeForRelease(
  values: readonly number[],
  statistics: readonly string[],
  policy: DisclosurePolicy = DEFAULT_DISCLOSURE_POLICY,
): Partial<Record<ReleasableStatistic, number>> {
  for (const statistic of statistics) {
    // p50, p95 ... are percentiles, which are observed values too.
    const base = statistic.toLowerCase().replace(/^p\d+$/, 'percentile');
    if (SINGLE_PATIENT_STATISTICS.has(base)) {
      throw new DisclosureRefusedError(`"${statistic}" is the value of a single patient and is never released.`, 'single-patient-statistic');
    }
    if (!['count', 'sum', 'mean', 'sd'].includes(statistic)) {
      throw new DisclosureRefusedError(`"${statistic}" is not a statistic this policy knows how to release.`, 'unknown-statistic');
    }
  }
  const n = values.length;
  if (n < policy.minimumCellSize) {
    throw new DisclosureRefusedError(`The group has fewer than ${policy.minimumCellSize} patients.`, 'group-below-minimum');
  }
  const sum = values.reduce((a, b) => a + b, 0);
  const mean = sum / n;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  const all: Record<ReleasableStatistic, number> = { count: n, sum, mean, sd };
  return Object.fromEntries(statistics.map((s) => [s, all[s as ReleasableStatistic]]));
}
