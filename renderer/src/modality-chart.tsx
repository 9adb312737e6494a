// Imaging studies per modality as vertical bars, drawn in SVG (no chart library). Clicking a bar
// filters the study list by that modality.
import { formatCount } from './format.ts';

const HEIGHT = 180;
const AXIS = 24;
const TOP = 18;
const BAR_WIDTH = 34;
const GAP = 18;
/** Each bar's slot is wide enough for its label (codes such as RTSTRUCT are long). */
const slotWidth = (modality: string) => Math.max(BAR_WIDTH + GAP, modality.length * 8 + 16);

export function ModalityChart({
  counts,
  selected,
  onSelect,
}: {
  counts: { modality: string; studies: number }[];
  selected: string | null;
  onSelect(modality: string | null): void;
}) {
  const max = Math.max(1, ...counts.map((c) => c.studies));
  const slots = counts.map((c) => slotWidth(c.modality));
  const starts = slots.map((_, i) => GAP / 2 + slots.slice(0, i).reduce((a, b) => a + b, 0));
  const width = Math.max(240, slots.reduce((a, b) => a + b, 0) + GAP);
  const plot = HEIGHT - AXIS - TOP;
  const description = counts.map((c) => `${c.modality} ${c.studies}`).join(', ');
  return (
    <svg
      className="modality-chart"
      width={width}
      height={HEIGHT}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      role="img"
      aria-label={`Imaging studies per modality: ${description || 'none'}`}
      data-testid="modality-chart"
    >
      <title>Imaging studies per modality</title>
      <line className="modality-axis" x1={0} x2={width} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} />
      {counts.map((c, i) => {
        const x = starts[i]! + (slots[i]! - BAR_WIDTH) / 2;
        // Keep a sliver visible for small counts dwarfed by the largest.
        const h = Math.max(2, (c.studies / max) * plot);
        const active = selected === c.modality;
        return (
          <g
            key={c.modality}
            className={`modality-bar${active ? ' modality-bar-active' : ''}`}
            onClick={() => onSelect(active ? null : c.modality)}
            data-modality={c.modality}
          >
            <rect x={x} y={HEIGHT - AXIS - h} width={BAR_WIDTH} height={h} rx={3}>
              <title>{`${c.modality}: ${formatCount(c.studies)} ${c.studies === 1 ? 'study' : 'studies'}`}</title>
            </rect>
            <text className="chart-value" x={x + BAR_WIDTH / 2} y={HEIGHT - AXIS - h - 5} textAnchor="middle">
              {formatCount(c.studies)}
            </text>
            <text className="chart-label" x={x + BAR_WIDTH / 2} y={HEIGHT - 7} textAnchor="middle">
              {c.modality}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
