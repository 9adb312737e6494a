// Wording and number formats of the Risk and Models views: risks, metrics, levels, feature names.
import type {
  ModelMetrics,
  ModelSource,
  ModelStage,
  RiskLevel,
  ScoreMetrics,
} from '../../main/api/contract.ts';

/** The three scores compared everywhere, in display order. */
export type ScoreKey = keyof ModelMetrics;
export const SCORE_KEYS: readonly ScoreKey[] = ['model', 'lace', 'hospital'];
export const SCORE_LABELS: Record<ScoreKey, string> = {
  model: 'Model',
  lace: 'LACE',
  hospital: 'HOSPITAL',
};

export const LEVELS: readonly RiskLevel[] = ['high', 'moderate', 'low'];
export const LEVEL_LABELS: Record<RiskLevel, string> = {
  low: 'Low',
  moderate: 'Moderate',
  high: 'High',
};

export const STAGE_LABELS: Record<ModelStage, string> = {
  candidate: 'Candidate',
  active: 'Active',
  retired: 'Retired',
};

export const SOURCE_LABELS: Record<ModelSource, string> = {
  bundled: 'Bundled',
  'local-training': 'Trained here',
  consortium: 'Consortium',
  imported: 'Imported',
};

const percentOne = new Intl.NumberFormat(undefined, {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const percentUpToOne = new Intl.NumberFormat(undefined, {
  style: 'percent',
  maximumFractionDigits: 1,
});
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDateTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'short',
  timeStyle: 'short',
});

/** A predicted risk, e.g. "23.4%". */
export function formatRisk(p: number): string {
  return percentOne.format(p);
}

/** A threshold or axis tick, e.g. "10%" or "12.5%". */
export function formatShare(p: number): string {
  return percentUpToOne.format(p);
}

/** A metric with a fixed number of decimals ("0.781"). */
export function formatMetric(value: number, digits = 3): string {
  return value.toFixed(digits);
}

/** "0.781 (0.742–0.820)": AUROC with its DeLong 95% confidence interval. */
export function formatAuroc(m: ScoreMetrics): string {
  return `${formatMetric(m.auroc)} (${formatMetric(m.auroc95[0])}–${formatMetric(m.auroc95[1])})`;
}

/** The same for screen readers, where a dash between numbers reads badly. */
export function describeAuroc(m: ScoreMetrics): string {
  return `AUROC ${formatMetric(m.auroc)}, 95% CI ${formatMetric(m.auroc95[0])} to ${formatMetric(m.auroc95[1])}`;
}

/** An engine timestamp in the user's locale; `short` for table cells. */
export function formatDateTime(iso: string | null, style: 'medium' | 'short' = 'medium'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return (style === 'short' ? shortDateTime : dateTime).format(date);
}

const WORDS: Record<string, string> = { ed: 'ED', pgx: 'PGx', icu: 'ICU', los: 'LOS', bmi: 'BMI' };

/**
 * A model feature name for people: "prior_ed_visits_6m" → "Prior ED visits 6 mo". Generic on
 * purpose: the feature set is versioned by the engine and the UI must not hard-code it.
 */
export function humaniseFeature(name: string): string {
  const words = name
    .split(/[_\s]+/)
    .filter(Boolean)
    .map(
      (w) => WORDS[w.toLowerCase()] ?? w.replace(/^(\d+)m$/, '$1 mo').replace(/^(\d+)d$/, '$1 d'),
    );
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
