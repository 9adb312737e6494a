// A horizontal bar chart of an import's outcome counts, drawn in SVG (no chart library).
import { formatCount } from './format.ts';

export interface OutcomeBar {
  key: string;
  label: string;
  value: number;
}

const WIDTH = 560;
const LABEL_WIDTH = 96;
const VALUE_WIDTH = 72;
const ROW_HEIGHT = 34;
const BAR_HEIGHT = 20;

export function OutcomeChart({ bars, title }: { bars: OutcomeBar[]; title: string }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const height = bars.length * ROW_HEIGHT + 8;
  const description = bars.map((b) => `${b.label} ${b.value}`).join(', ');
  return (
    <svg
      className="outcome-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={`${title}: ${description}`}
      data-testid="outcome-chart"
    >
      <title>{title}</title>
      {bars.map((b, i) => {
        const y = 4 + i * ROW_HEIGHT;
        // Keep a sliver visible for non-zero counts dwarfed by the largest.
        const width = b.value === 0 ? 0 : Math.max(2, (b.value / max) * plot);
        return (
          <g key={b.key} transform={`translate(0 ${y})`}>
            <text
              className="chart-label"
              x={LABEL_WIDTH - 10}
              y={BAR_HEIGHT / 2}
              dominantBaseline="central"
              textAnchor="end"
            >
              {b.label}
            </text>
            <rect
              className="chart-track"
              x={LABEL_WIDTH}
              y={0}
              width={plot}
              height={BAR_HEIGHT}
              rx={3}
            />
            <rect
              className={`chart-bar chart-bar-${b.key}`}
              x={LABEL_WIDTH}
              y={0}
              width={width}
              height={BAR_HEIGHT}
              rx={3}
            >
              <title>{`${b.label}: ${formatCount(b.value)}`}</title>
            </rect>
            <text
              className="chart-value"
              x={LABEL_WIDTH + plot + 10}
              y={BAR_HEIGHT / 2}
              dominantBaseline="central"
            >
              {formatCount(b.value)}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
