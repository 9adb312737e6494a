// Scored admissions of the latest run: a virtualised, sortable table filterable by risk level
// (only the rows on screen exist in the DOM; pages load as they scroll into view).
import { useState } from 'react';
import type { RiskLevel, RiskSortKey, RiskThresholds } from '../../main/api/contract.ts';
import { useVirtualRows } from './use-virtual-rows.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';
import { LEVEL_LABELS, LEVELS } from './risk-format.ts';
import { RISK_COLUMNS } from './risk-table-columns.tsx';
import { useRiskPages, type RiskQuery } from './use-risk-pages.ts';

const ROW_HEIGHT = 40;
const HEADER_HEIGHT = 40;

export function RiskTable({
  active,
  version,
  thresholds,
  levels,
}: {
  active: boolean;
  /** Changes whenever the scores or their levels change. */
  version: string;
  thresholds: RiskThresholds;
  levels: Record<RiskLevel, number>;
}) {
  const [query, setQuery] = useState<RiskQuery>({ sort: 'risk', descending: true, level: null });
  const pages = useRiskPages(query, version);
  const total = pages.total ?? 0;
  const { scrollRef, items, totalSize } = useVirtualRows(pages, active, { rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, overscan: 10 });

  const change = (next: Partial<RiskQuery>) => {
    setQuery((q) => ({ ...q, ...next }));
    scrollRef.current?.scrollTo({ top: 0 });
  };
  const sortBy = (key: RiskSortKey) =>
    change({ sort: key, descending: query.sort === key ? !query.descending : key !== 'pseudonym' });
  const all = levels.low + levels.moderate + levels.high;

  return (
    <section className="panel risk-table-panel" aria-labelledby="risk-table-title">
      <div className="panel-head">
        <h3 id="risk-table-title">Scored admissions</h3>
        <div className="button-row" role="group" aria-label="Filter by risk level">
          <button
            type="button"
            className="button"
            aria-pressed={query.level === null}
            onClick={() => change({ level: null })}
          >
            All · {formatCount(all)}
          </button>
          {LEVELS.map((l) => (
            <button
              key={l}
              type="button"
              className="button"
              aria-pressed={query.level === l}
              onClick={() => change({ level: l })}
            >
              {LEVEL_LABELS[l]} · {formatCount(levels[l])}
            </button>
          ))}
        </div>
      </div>
      {pages.error ? <ErrorNotice error={pages.error} title="Could not load the scores" /> : null}
      <div
        className="vtable risk-vtable"
        role="table"
        aria-label="Scored admissions"
        aria-rowcount={total + 1}
        ref={scrollRef}
        tabIndex={0}
        data-testid="risk-table"
      >
        <div className="vtable-head" role="rowgroup">
          <div className="vrow vrow-head risk-vrow" role="row" aria-rowindex={1}>
            {RISK_COLUMNS.map((c) => {
              const sorted = c.sort !== undefined && query.sort === c.sort;
              return (
                <div
                  key={c.id}
                  role="columnheader"
                  className={c.numeric ? 'vcell num' : 'vcell'}
                  aria-sort={
                    c.sort
                      ? sorted
                        ? query.descending
                          ? 'descending'
                          : 'ascending'
                        : 'none'
                      : undefined
                  }
                >
                  {c.sort ? (
                    <button type="button" className="sort-button" onClick={() => sortBy(c.sort!)}>
                      {c.label}
                      {sorted ? (
                        <span className="sort-indicator" aria-hidden="true">
                          {query.descending ? '▼' : '▲'}
                        </span>
                      ) : null}
                    </button>
                  ) : (
                    <span className="risk-column-label" title={c.title}>
                      {c.label}
                    </span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        <div
          className="vtable-body risk-vtable-body"
          role="rowgroup"
          style={{ height: totalSize }}
        >
          {items.map((item) => {
            const row = pages.row(item.index);
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`vrow vrow-body risk-vrow${item.index % 2 ? ' vrow-odd' : ''}`}
                style={{
                  transform: `translateY(${item.start - HEADER_HEIGHT}px)`,
                  height: ROW_HEIGHT,
                }}
                data-testid="risk-row"
                data-level={row?.level}
              >
                {RISK_COLUMNS.map((c) => (
                  <div key={c.id} role="cell" className={c.numeric ? 'vcell num' : 'vcell'}>
                    {row ? (
                      c.cell(row, thresholds)
                    ) : (
                      <span className="placeholder" aria-label="Loading" />
                    )}
                  </div>
                ))}
              </div>
            );
          })}
        </div>
        {pages.total === 0 ? (
          <p className="empty-state">
            {query.level
              ? `No ${LEVEL_LABELS[query.level].toLowerCase()}-risk admissions.`
              : 'No admissions were scored.'}
          </p>
        ) : null}
      </div>
    </section>
  );
}
