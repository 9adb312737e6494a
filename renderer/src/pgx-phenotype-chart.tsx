// PGx phenotypes per gene as stacked horizontal bars, drawn in SVG at the container's pixel width
// (no chart library). Each bar is one gene; its segments are the patients per CPIC phenotype.
import { useRef } from 'react';
import type { PgxSummary } from '../../main/api/contract.ts';
import { formatCount } from './format.ts';
import { useElementWidth } from './use-element-width.ts';

const LABEL_WIDTH = 84;
const VALUE_WIDTH = 56;
const ROW_HEIGHT = 34;
const BAR_HEIGHT = 22;

// Colour by what the phenotype means for dosing, so the same meaning looks the same in every gene.
const TONES: [RegExp, string][] = [
  [/^(Indeterminate|Ambiguous)$/, 'pgx-tone-none'],
  [/Poor/, 'pgx-tone-poor'],
  [/Intermediate|Decreased|-1639 AG/, 'pgx-tone-reduced'],
  [/Ultrarapid|Rapid|Increased/, 'pgx-tone-increased'],
  [/Normal|-1639 GG/, 'pgx-tone-normal'],
  [/-1639 AA/, 'pgx-tone-poor'],
];
const OTHER_TONES = ['pgx-tone-other-1', 'pgx-tone-other-2', 'pgx-tone-other-3'];

/** A CSS class per phenotype: by meaning where known, else one of a few distinct others. */
export function phenotypeTone(phenotype: string, others: string[]): string {
  for (const [pattern, tone] of TONES) if (pattern.test(phenotype)) return tone;
  let index = others.indexOf(phenotype);
  if (index < 0) index = others.push(phenotype) - 1;
  return OTHER_TONES[index % OTHER_TONES.length]!;
}

export function PgxPhenotypeChart({ summary }: { summary: PgxSummary }) {
  const ref = useRef<HTMLDivElement>(null);
  const width = Math.max(360, useElementWidth(ref, 720));
  const plot = width - LABEL_WIDTH - VALUE_WIDTH;
  const max = Math.max(1, ...summary.genes.map((g) => g.patients));
  const others: string[] = [];
  const legend = new Map<string, string>();
  for (const g of summary.genes) for (const p of g.phenotypes) legend.set(p.phenotype, phenotypeTone(p.phenotype, others));
  const height = summary.genes.length * ROW_HEIGHT + 8;
  const description = summary.genes
    .map((g) => `${g.gene}: ${g.phenotypes.map((p) => `${p.phenotype} ${p.patients}`).join(', ')}`)
    .join('; ');
  return (
    <div ref={ref} className="pgx-chart-wrap">
      <svg
        className="pgx-chart"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Phenotypes per gene: ${description}`}
        data-testid="pgx-chart"
      >
        {summary.genes.map((g, row) => {
          let x = LABEL_WIDTH;
          return (
            <g key={g.gene} transform={`translate(0 ${4 + row * ROW_HEIGHT})`} data-gene={g.gene}>
              <text className="chart-label" x={LABEL_WIDTH - 10} y={BAR_HEIGHT / 2} dominantBaseline="central" textAnchor="end">
                {g.gene}
              </text>
              <rect className="chart-track" x={LABEL_WIDTH} y={0} width={plot} height={BAR_HEIGHT} rx={3} />
              {g.phenotypes.map((p) => {
                const w = Math.max(2, (p.patients / max) * plot);
                const segment = (
                  <rect
                    key={p.phenotype}
                    className={`pgx-segment ${legend.get(p.phenotype)}`}
                    x={x}
                    y={0}
                    width={w}
                    height={BAR_HEIGHT}
                    data-phenotype={p.phenotype}
                  >
                    <title>{`${g.gene} ${p.phenotype}: ${formatCount(p.patients)}`}</title>
                  </rect>
                );
                x += w;
                return segment;
              })}
              <text className="chart-value" x={LABEL_WIDTH + plot + 10} y={BAR_HEIGHT / 2} dominantBaseline="central">
                {formatCount(g.patients)}
              </text>
            </g>
          );
        })}
      </svg>
      <ul className="pgx-legend" aria-label="Phenotypes">
        {[...legend].map(([phenotype, tone]) => (
          <li key={phenotype}>
            <svg width="12" height="12" aria-hidden="true">
              <rect className={tone} width="12" height="12" rx="2" />
            </svg>
            {phenotype}
          </li>
        ))}
      </ul>
    </div>
  );
}
