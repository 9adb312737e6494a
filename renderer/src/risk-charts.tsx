// The Risk view's charts: distribution with thresholds, then (with labelled admissions of both
// outcomes) ROC, calibration and the metrics table of the model against LACE and HOSPITAL.
import type { RiskSummary } from '../../main/api/contract.ts';
import { CalibrationChart } from './calibration-chart.tsx';
import { formatCount } from './format.ts';
import { ModelMetricsTable } from './model-metrics-table.tsx';
import { RiskHistogramChart } from './risk-histogram-chart.tsx';
import { formatShare } from './risk-format.ts';
import { RocChart } from './roc-chart.tsx';

export function RiskCharts({ summary }: { summary: RiskSummary }) {
  const { metrics, curves } = summary;
  return (
    <div className="risk-charts">
      <section
        className="panel risk-chart-panel risk-chart-wide"
        aria-labelledby="risk-distribution-title"
      >
        <div className="panel-head">
          <h3 id="risk-distribution-title">Distribution of predicted risk</h3>
          <p className="muted small">20 equal-width bins; lines mark the level thresholds.</p>
        </div>
        <RiskHistogramChart summary={summary} />
      </section>
      {metrics && curves ? (
        <>
          <section className="panel risk-chart-panel" aria-labelledby="risk-roc-title">
            <h3 id="risk-roc-title">Discrimination</h3>
            <RocChart curves={curves} metrics={metrics} />
          </section>
          <section className="panel risk-chart-panel" aria-labelledby="risk-calibration-title">
            <h3 id="risk-calibration-title">Calibration</h3>
            <CalibrationChart curves={curves} metrics={metrics} />
          </section>
          <section
            className="panel risk-chart-panel risk-chart-wide"
            aria-labelledby="risk-metrics-title"
          >
            <div className="panel-head">
              <h3 id="risk-metrics-title">Model against LACE and HOSPITAL</h3>
              <p className="muted small">
                {formatCount(metrics.model.n)} labelled admissions of this store,{' '}
                {formatShare(metrics.model.prevalence)} readmitted within 30 days. LACE and HOSPITAL
                risks by logistic recalibration of their points.
              </p>
            </div>
            <ModelMetricsTable metrics={metrics} />
          </section>
        </>
      ) : (
        <div
          className="notice notice-warn risk-chart-wide"
          role="status"
          data-testid="risk-metrics-empty"
        >
          <strong>No evaluation on this store.</strong> Discrimination and calibration need scored
          admissions with observed outcomes of both kinds (readmitted within 30 days and not); these
          scores have not.
        </div>
      )}
    </div>
  );
}
