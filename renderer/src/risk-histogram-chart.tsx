// Distribution of predicted risk (20 equal-width bins on [0, 1]) with the level thresholds,
// drawn in SVG (no chart library). Bars take the colour of the level their bin falls in.
import { useRef } from 'react';
import type { RiskLevel, RiskSummary, RiskThresholds } from '../../main/api/contract.ts';
import { histogramBars, niceTicks, plotBox, plotScales } from './chart-geometry.ts';
import { formatCount } from './format.ts';
import { PlotAxes } from './plot-axes.tsx';
import { formatRisk, formatShare, LEVEL_LABELS } from './risk-format.ts';
import { useElementWidth } from './use-element-width.ts';

const HEIGHT = 260;
const MARGIN = { top: 40, right: 18, bottom: 46, left: 60 };
/** Room a threshold label needs to the right of its line before it flips to the left. */
const LABEL_ROOM = 110;
const X_TICKS = [0, 0.2, 0.4, 0.6, 0.8, 1];

function binLevel(from: number, thresholds: RiskThresholds): RiskLevel {
  if (from >= thresholds.high) return 'high';
  return from >= thresholds.moderate ? 'moderate' : 'low';
}

export function RiskHistogramChart({ summary }: { summary: RiskSummary }) {
  const { histogram, thresholds, levels } = summary;
  const ref = useRef<HTMLDivElement>(null);
  // Drawn at the container's pixel width so the text stays at its true size.
  const width = Math.max(420, useElementWidth(ref, 720));
  const box = plotBox({ width, height: HEIGHT, margin: MARGIN });
  const total = histogram.reduce((sum, b) => sum + b.count, 0);
  const yTicks = niceTicks(Math.max(1, ...histogram.map((b) => b.count)), 4, true);
  const yMax = yTicks[yTicks.length - 1] ?? 1;
  const { x, y } = plotScales(box, 1, yMax);
  const bars = histogramBars(histogram, box, { yMax, gap: 2, minHeight: 2 });
  const label =
    `Histogram of predicted risk for ${formatCount(total)} admissions in ${histogram.length} bins: ` +
    `${formatCount(levels.low)} low, ${formatCount(levels.moderate)} moderate, ${formatCount(levels.high)} high; ` +
    `thresholds moderate ${formatShare(thresholds.moderate)}, high ${formatShare(thresholds.high)}`;
  // One label row per threshold, so close thresholds never overlap; a label near the right
  // edge points left.
  const lines = (['moderate', 'high'] as const).map((level, row) => {
    const lineX = x(thresholds[level]);
    const flip = lineX + LABEL_ROOM > box.right;
    return { level, value: thresholds[level], lineX, labelY: box.top - 24 + row * 14, flip };
  });
  return (
    <div ref={ref} className="risk-histogram-wrap">
      <svg
        className="risk-histogram"
        width={width}
        height={HEIGHT}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        role="img"
        aria-label={label}
        data-testid="risk-histogram"
      >
        <title>Distribution of predicted 30-day readmission risk</title>
        <PlotAxes
          box={box}
          x={x}
          y={y}
          xTicks={X_TICKS}
          yTicks={yTicks}
          formatX={formatShare}
          formatY={formatCount}
          xLabel="Predicted risk"
          yLabel="Admissions"
        />
        {bars.map((b) => (
          <rect
            key={b.from}
            className={`histogram-bar histogram-bar-${binLevel(b.from, thresholds)}`}
            x={b.x}
            y={b.y}
            width={b.width}
            height={b.height}
          >
            <title>{`${formatRisk(b.from)}–${formatRisk(b.to)}: ${formatCount(b.count)} admissions`}</title>
          </rect>
        ))}
        {lines.map((l) => (
          <g key={l.level} className={`threshold threshold-${l.level}`} data-threshold={l.level}>
            <line x1={l.lineX} x2={l.lineX} y1={l.labelY - 4} y2={box.bottom} />
            <text
              x={l.lineX + (l.flip ? -5 : 5)}
              y={l.labelY}
              textAnchor={l.flip ? 'end' : 'start'}
              dominantBaseline="central"
            >
              {`${LEVEL_LABELS[l.level]} ≥ ${formatShare(l.value)}`}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
