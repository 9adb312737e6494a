// Test and benchmark fixture: the fixed histogram bins of a "full" statistics request, one entry
// per releasable variable a coordinator would ask about, as the tests and the benchmark use them.
/** Evenly spaced bin edges from `from` to `to`. */
export const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

export const FULL_RELEASE_BINS: Record<string, number[]> = {
  age_over_50: range(0, 45, 5),
  sex_female: [0, 1],
  log_length_of_stay: range(0, 4, 0.5),
  emergency_admission: [0, 1],
  charlson_index: range(0, 12),
  prior_ed_visits_6m: range(0, 5),
  prior_admissions_12m: range(0, 5),
  hemoglobin_below_12: range(0, 6, 0.5),
  sodium_below_135: range(0, 10),
  procedure_during_stay: [0, 1],
  oncology: [0, 1],
  active_medications: range(0, 15),
  pgx_alert: [0, 1],
  lace: range(0, 19),
  hospital: range(0, 13),
  length_of_stay_days: [0, 1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 30, 60],
  readmitted_30d: [0, 1],
};
