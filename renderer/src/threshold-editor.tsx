// Edits the risk level thresholds in percent: both strictly between 0 and 100, moderate below
// high (the contract's own rule, checked here so the user sees why before anything is sent).
import { useId, useState, type FormEvent } from 'react';
import type { ApiError, RiskThresholds } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';

/** Parses the two percent fields; an error message when they are not valid thresholds. */
export function parseThresholds(moderate: string, high: string): RiskThresholds | string {
  const m = Number(moderate.trim().replace(',', '.'));
  const h = Number(high.trim().replace(',', '.'));
  if (moderate.trim() === '' || high.trim() === '' || !Number.isFinite(m) || !Number.isFinite(h)) {
    return 'Enter both thresholds as percentages.';
  }
  if (m <= 0 || m >= 100 || h <= 0 || h >= 100) return 'Thresholds must lie between 0% and 100%.';
  if (m >= h) return 'The moderate threshold must be below the high threshold.';
  // Stored as probabilities; rounding keeps 12.3% from becoming 0.12300000000000001.
  return { moderate: Number((m / 100).toFixed(6)), high: Number((h / 100).toFixed(6)) };
}

const asPercent = (p: number) => String(Number((p * 100).toFixed(4)));

export function ThresholdEditor({
  thresholds,
  onSaved,
}: {
  thresholds: RiskThresholds;
  onSaved(thresholds: RiskThresholds): void;
}) {
  const [moderate, setModerate] = useState(asPercent(thresholds.moderate));
  const [high, setHigh] = useState(asPercent(thresholds.high));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const messageId = useId();
  const parsed = parseThresholds(moderate, high);
  const invalid = typeof parsed === 'string';
  const unchanged =
    !invalid && parsed.moderate === thresholds.moderate && parsed.high === thresholds.high;

  const save = (event: FormEvent) => {
    event.preventDefault();
    if (invalid || unchanged) return;
    setSaving(true);
    setError(null);
    engineClient.api.setRiskThresholds(parsed).then(
      (saved) => {
        setSaving(false);
        onSaved(saved);
      },
      (e: unknown) => {
        setSaving(false);
        setError(asApiError(e));
      },
    );
  };

  return (
    <form
      className="threshold-editor"
      onSubmit={save}
      aria-label="Risk level thresholds"
      data-testid="threshold-editor"
    >
      <label>
        Moderate from
        <input
          className="input input-narrow"
          inputMode="decimal"
          value={moderate}
          onChange={(e) => setModerate(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={messageId}
          name="moderate"
        />
        %
      </label>
      <label>
        High from
        <input
          className="input input-narrow"
          inputMode="decimal"
          value={high}
          onChange={(e) => setHigh(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={messageId}
          name="high"
        />
        %
      </label>
      <button type="submit" className="button" disabled={invalid || unchanged || saving}>
        {saving ? 'Saving…' : 'Save thresholds'}
      </button>
      <span
        id={messageId}
        className={invalid ? 'field-error' : 'visually-hidden'}
        role={invalid ? 'alert' : undefined}
      >
        {invalid ? parsed : 'Levels of the latest scores are recomputed when you save.'}
      </span>
      {error ? <ErrorNotice error={error} title="Thresholds not saved" /> : null}
    </form>
  );
}
