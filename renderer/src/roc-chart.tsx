// ROC curves of the model, LACE and HOSPITAL on the same admissions, overlaid in SVG with the
// chance diagonal; the legend gives each AUROC with its DeLong 95% CI.
import type { ModelMetrics, ScoreCurves } from '../../main/api/contract.ts';
import { plotBox, plotScales, rocPath } from './chart-geometry.ts';
import { PlotAxes, SeriesSwatch } from './plot-axes.tsx';
import {
  describeAuroc,
  formatAuroc,
  formatShare,
  SCORE_KEYS,
  SCORE_LABELS,
  type ScoreKey,
} from './risk-format.ts';

const FRAME = { width: 340, height: 320, margin: { top: 12, right: 14, bottom: 46, left: 58 } };
const TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

export function RocChart({
  curves,
  metrics,
}: {
  curves: Record<ScoreKey, ScoreCurves>;
  metrics: ModelMetrics;
}) {
  const box = plotBox(FRAME);
  const { x, y } = plotScales(box);
  const label = `ROC curves on ${metrics.model.n} labelled admissions: ${SCORE_KEYS.map(
    (k) => `${SCORE_LABELS[k]} ${describeAuroc(metrics[k])}`,
  ).join('; ')}`;
  return (
    <figure className="risk-figure">
      <svg
        className="risk-chart risk-chart-square"
        viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}
        role="img"
        aria-label={label}
        data-testid="roc-chart"
      >
        <title>ROC curves: model, LACE and HOSPITAL</title>
        <PlotAxes
          box={box}
          x={x}
          y={y}
          xTicks={TICKS}
          yTicks={TICKS}
          formatX={formatShare}
          formatY={formatShare}
          xLabel="False positive rate"
          yLabel="True positive rate"
        />
        <line className="chance-line" x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} />
        {/* Clinical scores first so the model's curve is drawn on top. */}
        {[...SCORE_KEYS].reverse().map((k) => (
          <path
            key={k}
            className={`series-line series-${k}`}
            d={rocPath(curves[k].roc, box)}
            data-series={k}
          >
            <title>{`${SCORE_LABELS[k]}: AUROC ${formatAuroc(metrics[k])}`}</title>
          </path>
        ))}
      </svg>
      <figcaption>
        <ul className="chart-legend" aria-label="AUROC with 95% confidence interval">
          {SCORE_KEYS.map((k) => (
            <li key={k} data-testid={`roc-legend-${k}`}>
              <SeriesSwatch series={k} />
              <span className="chart-legend-name">{SCORE_LABELS[k]}</span>
              <span className="chart-legend-value">AUROC {formatAuroc(metrics[k])}</span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
