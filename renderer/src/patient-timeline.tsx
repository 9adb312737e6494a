// A patient's de-identified timeline in SVG: one row per event type, x = days since first contact.
import { useRef } from 'react';
import type { TimelineEvent } from '../../main/api/contract.ts';
import { formatCode } from './format.ts';
import { useElementWidth } from './use-element-width.ts';

const MIN_WIDTH = 480;
const LABEL_WIDTH = 140;
const RIGHT_PAD = 20;
const AXIS_HEIGHT = 28;
const ROW_HEIGHT = 26;
const PALETTE_SIZE = 8;

// Clinical reading order; anything else follows alphabetically.
const TYPE_ORDER = [
  'Encounter',
  'Condition',
  'Procedure',
  'MedicationRequest',
  'MedicationStatement',
  'Observation',
  'Immunization',
  'DiagnosticReport',
];

export function timelineTypes(events: readonly TimelineEvent[]): string[] {
  const types = [...new Set(events.map((e) => e.type))];
  const rank = (t: string) => {
    const i = TYPE_ORDER.indexOf(t);
    return i === -1 ? TYPE_ORDER.length : i;
  };
  return types.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Round tick steps (1, 2, 5 × 10^n) giving about `count` ticks over 0..max. */
function ticks(max: number, count = 6): number[] {
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(Math.max(raw, 1)));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let t = 0; t <= max; t += step) out.push(t);
  return out;
}

function describe(e: TimelineEvent): string {
  const when =
    e.endDay !== null && e.endDay !== e.day ? `Days ${e.day}–${e.endDay}` : `Day ${e.day}`;
  return [when, e.type, e.codes[0] ? formatCode(e.codes[0]) : null, e.detail]
    .filter(Boolean)
    .join(' · ');
}

export function PatientTimeline({ events }: { events: readonly TimelineEvent[] }) {
  const frame = useRef<HTMLDivElement>(null);
  const width = Math.max(MIN_WIDTH, useElementWidth(frame, 640));
  const types = timelineTypes(events);
  const maxDay = Math.max(1, ...events.map((e) => Math.max(e.day, e.endDay ?? e.day)));
  const plot = width - LABEL_WIDTH - RIGHT_PAD;
  const x = (day: number) => LABEL_WIDTH + (Math.max(0, day) / maxDay) * plot;
  const height = AXIS_HEIGHT + types.length * ROW_HEIGHT + 6;
  const rowOf = new Map(types.map((t, i) => [t, i]));

  return (
    <div className="timeline-scroll" ref={frame}>
      <svg
        className="timeline"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Timeline of ${events.length} events over ${maxDay} days, by type: ${types.join(', ')}`}
        data-testid="patient-timeline"
      >
        <title>Events by type; horizontal axis in days since first contact</title>
        {ticks(maxDay).map((t) => (
          <g key={t}>
            <line className="tl-grid" x1={x(t)} x2={x(t)} y1={AXIS_HEIGHT - 6} y2={height - 6} />
            <text className="tl-tick" x={x(t)} y={AXIS_HEIGHT - 12} textAnchor="middle">
              {t === 0 ? 'day 0' : t}
            </text>
          </g>
        ))}
        {types.map((type, i) => {
          const y = AXIS_HEIGHT + i * ROW_HEIGHT;
          return (
            <g key={type}>
              <rect
                className={i % 2 ? 'tl-band tl-band-odd' : 'tl-band'}
                x={0}
                y={y}
                width={width}
                height={ROW_HEIGHT}
              />
              <text
                className="tl-label"
                x={LABEL_WIDTH - 10}
                y={y + ROW_HEIGHT / 2}
                textAnchor="end"
                dominantBaseline="central"
              >
                {type}
              </text>
            </g>
          );
        })}
        {events.map((e, i) => {
          const row = rowOf.get(e.type) ?? 0;
          const cy = AXIS_HEIGHT + row * ROW_HEIGHT + ROW_HEIGHT / 2;
          const colour = `tl-c${row % PALETTE_SIZE}`;
          if (e.endDay !== null && e.endDay > e.day) {
            return (
              <rect
                key={i}
                className={`tl-span ${colour}`}
                x={x(e.day)}
                y={cy - 5}
                width={Math.max(3, x(e.endDay) - x(e.day))}
                height={10}
                rx={2}
              >
                <title>{describe(e)}</title>
              </rect>
            );
          }
          return (
            <circle key={i} className={`tl-point ${colour}`} cx={x(e.day)} cy={cy} r={4}>
              <title>{describe(e)}</title>
            </circle>
          );
        })}
      </svg>
    </div>
  );
}
