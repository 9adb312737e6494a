// Calibration of the model, LACE and HOSPITAL: mean predicted risk against the observed
// readmission rate per decile of predicted risk, with the diagonal of perfect calibration.
import type { ModelMetrics, ScoreCurves } from '../../main/api/contract.ts';
import {
  calibrationExtent,
  calibrationPoints,
  niceTicks,
  plotBox,
  plotScales,
  polylinePath,
} from './chart-geometry.ts';
import { formatCount } from './format.ts';
import { PlotAxes, SeriesSwatch } from './plot-axes.tsx';
import {
  formatMetric,
  formatRisk,
  formatShare,
  SCORE_KEYS,
  SCORE_LABELS,
  type ScoreKey,
} from './risk-format.ts';

const FRAME = { width: 340, height: 320, margin: { top: 12, right: 14, bottom: 46, left: 58 } };

export function CalibrationChart({
  curves,
  metrics,
}: {
  curves: Record<ScoreKey, ScoreCurves>;
  metrics: ModelMetrics;
}) {
  const box = plotBox(FRAME);
  // Readmission risks rarely pass 50%: zooming to the data keeps the deciles apart.
  const extent = calibrationExtent(SCORE_KEYS.map((k) => curves[k].calibration));
  const { x, y } = plotScales(box, extent, extent);
  const ticks = niceTicks(extent, 5).filter((t) => t <= extent + 1e-9);
  const label = `Calibration by decile of predicted risk: ${SCORE_KEYS.map((k) => {
    const m = metrics[k];
    return `${SCORE_LABELS[k]} slope ${formatMetric(m.calibrationSlope, 2)}, intercept ${formatMetric(m.calibrationIntercept, 2)}, expected calibration error ${formatMetric(m.ece)}`;
  }).join('; ')}`;
  return (
    <figure className="risk-figure">
      <svg
        className="risk-chart risk-chart-square"
        viewBox={`0 0 ${FRAME.width} ${FRAME.height}`}
        role="img"
        aria-label={label}
        data-testid="calibration-chart"
      >
        <title>Calibration: predicted against observed readmission by decile</title>
        <PlotAxes
          box={box}
          x={x}
          y={y}
          xTicks={ticks}
          yTicks={ticks}
          formatX={formatShare}
          formatY={formatShare}
          xLabel="Mean predicted risk"
          yLabel="Observed readmission rate"
        />
        <line className="chance-line" x1={x(0)} y1={y(0)} x2={x(extent)} y2={y(extent)} />
        {[...SCORE_KEYS].reverse().map((k) => {
          const points = calibrationPoints(curves[k].calibration, box, extent);
          return (
            <g key={k} className={`calibration-series series-${k}`} data-series={k}>
              <path className={`series-line series-${k}`} d={polylinePath(points)} />
              {points.map((p, i) => (
                <circle
                  key={i}
                  className={`series-point series-${k}`}
                  cx={p.x}
                  cy={p.y}
                  r={p.clamped ? 4.5 : 3.5}
                >
                  <title>
                    {`${SCORE_LABELS[k]} decile ${i + 1}: predicted ${formatRisk(p.predicted)}, observed ${formatRisk(p.observed)}, ${formatCount(p.n)} admissions${p.clamped ? ' (beyond the axes)' : ''}`}
                  </title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend" aria-label="Calibration slope and intercept">
          {SCORE_KEYS.map((k) => (
            <li key={k}>
              <SeriesSwatch series={k} />
              <span className="chart-legend-name">{SCORE_LABELS[k]}</span>
              <span className="chart-legend-value">
                slope {formatMetric(metrics[k].calibrationSlope, 2)} · intercept{' '}
                {formatMetric(metrics[k].calibrationIntercept, 2)} · ECE{' '}
                {formatMetric(metrics[k].ece)}
              </span>
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
