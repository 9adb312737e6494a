// Axes, grid and tick labels shared by the Risk view's SVG charts (decorative: each chart's
// aria-label carries the numbers).
import type { PlotBox, Scale } from './chart-geometry.ts';

interface PlotAxesProps {
  box: PlotBox;
  x: Scale;
  y: Scale;
  xTicks: readonly number[];
  yTicks: readonly number[];
  formatX(value: number): string;
  formatY(value: number): string;
  xLabel: string;
  yLabel: string;
}

export function PlotAxes({
  box,
  x,
  y,
  xTicks,
  yTicks,
  formatX,
  formatY,
  xLabel,
  yLabel,
}: PlotAxesProps) {
  const midX = (box.left + box.right) / 2;
  const midY = (box.top + box.bottom) / 2;
  return (
    <g className="plot-axes" aria-hidden="true">
      {yTicks.map((t) => (
        <g key={`y${t}`}>
          <line className="plot-grid" x1={box.left} x2={box.right} y1={y(t)} y2={y(t)} />
          <text
            className="plot-tick"
            x={box.left - 6}
            y={y(t)}
            textAnchor="end"
            dominantBaseline="central"
          >
            {formatY(t)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={`x${t}`} className="plot-tick" x={x(t)} y={box.bottom + 15} textAnchor="middle">
          {formatX(t)}
        </text>
      ))}
      <line className="plot-axis" x1={box.left} x2={box.right} y1={box.bottom} y2={box.bottom} />
      <line className="plot-axis" x1={box.left} x2={box.left} y1={box.top} y2={box.bottom} />
      <text className="plot-axis-label" x={midX} y={box.bottom + 34} textAnchor="middle">
        {xLabel}
      </text>
      <text
        className="plot-axis-label"
        transform={`translate(${box.left - 40} ${midY}) rotate(-90)`}
        textAnchor="middle"
      >
        {yLabel}
      </text>
    </g>
  );
}

/** A short line in a series' style, for legends drawn in HTML next to a chart. */
export function SeriesSwatch({ series }: { series: string }) {
  return (
    <svg className="series-swatch" width="28" height="12" aria-hidden="true">
      <line className={`series-line series-${series}`} x1="2" x2="26" y1="6" y2="6" />
    </svg>
  );
}
