// Patients: a virtualised, sortable table of every de-identified patient (smooth at 100,000 rows:
// only the rows on screen exist in the DOM, and pages load as they scroll into view).
import { useState, type KeyboardEvent } from 'react';
import type { PatientRow, PatientSortKey } from '../../main/api/contract.ts';
import { useVirtualRows } from './use-virtual-rows.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';
import { PatientDetailPanel } from './patient-detail.tsx';
import { usePatientPages, type PatientQuery } from './use-patient-pages.ts';

const ROW_HEIGHT = 36;
const HEADER_HEIGHT = 40;

const COLUMNS: { key: PatientSortKey; label: string; numeric: boolean }[] = [
  { key: 'pseudonym', label: 'Pseudonym', numeric: false },
  { key: 'sex', label: 'Sex', numeric: false },
  { key: 'ageGroup', label: 'Age group', numeric: false },
  { key: 'encounters', label: 'Encounters', numeric: true },
  { key: 'conditions', label: 'Conditions', numeric: true },
  { key: 'observations', label: 'Observations', numeric: true },
  { key: 'medications', label: 'Medications', numeric: true },
];

function cellText(row: PatientRow, key: PatientSortKey): string {
  const value = row[key];
  if (value === null) return '—';
  return typeof value === 'number' ? formatCount(value) : value;
}

function moveFocus(event: KeyboardEvent<HTMLDivElement>, direction: 1 | -1): void {
  const sibling =
    direction === 1
      ? event.currentTarget.nextElementSibling
      : event.currentTarget.previousElementSibling;
  if (sibling instanceof HTMLElement) {
    event.preventDefault();
    sibling.focus();
  }
}

export function PatientsView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  const [query, setQuery] = useState<PatientQuery>({ sort: 'pseudonym', descending: false });
  const [selected, setSelected] = useState<string | null>(null);

  const pages = usePatientPages(query, dataVersion);
  const total = pages.total ?? 0;
  const { scrollRef, items, totalSize } = useVirtualRows(pages, active, { rowHeight: ROW_HEIGHT, headerHeight: HEADER_HEIGHT, overscan: 12 });

  const sortBy = (key: PatientSortKey) => {
    setQuery((q) => ({ sort: key, descending: q.sort === key ? !q.descending : false }));
    scrollRef.current?.scrollTo({ top: 0 });
  };

  return (
    <div className="view">
      <div className="view-heading">
        <h2 id="view-patients-title">Patients</h2>
        <p className="muted" data-testid="patient-total">
          {pages.total === null ? 'Loading…' : `${formatCount(pages.total)} de-identified patients`}
        </p>
      </div>
      {pages.error ? <ErrorNotice error={pages.error} title="Could not load patients" /> : null}
      <div className={`patients-layout${selected ? ' patients-layout-detail' : ''}`}>
        <div
          className="vtable"
          role="table"
          aria-label="Patients"
          aria-rowcount={total + 1}
          ref={scrollRef}
          data-testid="patients-table"
        >
          <div className="vtable-head" role="rowgroup">
            <div className="vrow vrow-head" role="row" aria-rowindex={1}>
              {COLUMNS.map((c) => {
                const sorted = query.sort === c.key;
                return (
                  <div
                    key={c.key}
                    role="columnheader"
                    className={c.numeric ? 'vcell num' : 'vcell'}
                    aria-sort={sorted ? (query.descending ? 'descending' : 'ascending') : 'none'}
                  >
                    <button type="button" className="sort-button" onClick={() => sortBy(c.key)}>
                      {c.label}
                      {sorted ? (
                        <span className="sort-indicator" aria-hidden="true">
                          {query.descending ? '▼' : '▲'}
                        </span>
                      ) : null}
                    </button>
                  </div>
                );
              })}
            </div>
          </div>
          <div
            className="vtable-body"
            role="rowgroup"
            style={{ height: totalSize }}
          >
            {items.map((item) => {
              const row = pages.row(item.index);
              const isSelected = row !== undefined && row.pseudonym === selected;
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-selected={isSelected}
                  tabIndex={row ? 0 : -1}
                  className={`vrow vrow-body${isSelected ? ' vrow-selected' : ''}${item.index % 2 ? ' vrow-odd' : ''}`}
                  style={{
                    transform: `translateY(${item.start - HEADER_HEIGHT}px)`,
                    height: ROW_HEIGHT,
                  }}
                  data-testid="patient-row"
                  onClick={() => row && setSelected(row.pseudonym)}
                  onKeyDown={(e) => {
                    if ((e.key === 'Enter' || e.key === ' ') && row) {
                      e.preventDefault();
                      setSelected(row.pseudonym);
                    } else if (e.key === 'ArrowDown') moveFocus(e, 1);
                    else if (e.key === 'ArrowUp') moveFocus(e, -1);
                  }}
                >
                  {COLUMNS.map((c) => (
                    <div
                      key={c.key}
                      role="cell"
                      className={`${c.numeric ? 'vcell num' : 'vcell'}${c.key === 'pseudonym' ? ' mono' : ''}`}
                    >
                      {row ? (
                        cellText(row, c.key)
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
            <p className="empty-state">No patients yet. Import FHIR data to see them here.</p>
          ) : null}
        </div>
        {selected ? (
          <PatientDetailPanel
            key={selected}
            pseudonym={selected}
            onClose={() => setSelected(null)}
          />
        ) : null}
      </div>
    </div>
  );
}
