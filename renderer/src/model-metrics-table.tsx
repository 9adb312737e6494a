// Discrimination and calibration of the model, LACE and HOSPITAL side by side, one row each.
import type { ModelMetrics } from '../../main/api/contract.ts';
import { formatCount } from './format.ts';
import { formatAuroc, formatMetric, formatShare, SCORE_KEYS, SCORE_LABELS } from './risk-format.ts';

export function ModelMetricsTable({
  metrics,
  caption,
  testId = 'metrics-table',
}: {
  metrics: ModelMetrics;
  caption?: string;
  testId?: string;
}) {
  return (
    <div className="table-scroll metrics-scroll">
      <table className="data-table metrics-table" data-testid={testId}>
        {caption ? <caption className="metrics-caption">{caption}</caption> : null}
        <thead>
          <tr>
            <th scope="col">Score</th>
            <th scope="col" className="num">
              AUROC (95% CI)
            </th>
            <th scope="col" className="num">
              Brier
            </th>
            <th scope="col" className="num">
              <abbr title="Calibration slope (1 is ideal)">Cal. slope</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title="Calibration intercept (0 is ideal)">Cal. intercept</abbr>
            </th>
            <th scope="col" className="num">
              <abbr title="Expected calibration error over 10 equal-width risk bins">ECE</abbr>
            </th>
            <th scope="col" className="num">
              n
            </th>
            <th scope="col" className="num">
              Prevalence
            </th>
          </tr>
        </thead>
        <tbody>
          {SCORE_KEYS.map((k) => {
            const m = metrics[k];
            return (
              <tr key={k} data-score={k}>
                <th scope="row" className="metrics-score">
                  {SCORE_LABELS[k]}
                </th>
                <td className="num nowrap">{formatAuroc(m)}</td>
                <td className="num">{formatMetric(m.brier)}</td>
                <td className="num">{formatMetric(m.calibrationSlope, 2)}</td>
                <td className="num">{formatMetric(m.calibrationIntercept, 2)}</td>
                <td className="num">{formatMetric(m.ece)}</td>
                <td className="num">{formatCount(m.n)}</td>
                <td className="num">{formatShare(m.prevalence)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
