// One patient, de-identified: the facts in the row, the timeline drawn and as a table.
import { useEffect, useState } from 'react';
import type { ApiError, PatientDetail } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatCode, formatCount } from './format.ts';
import { PatientTimeline } from './patient-timeline.tsx';
import { PgxPanel } from './pgx-panel.tsx';

const MAX_EVENT_ROWS = 500;

type DetailState =
  | { kind: 'loading' }
  | { kind: 'loaded'; detail: PatientDetail | null }
  | { kind: 'error'; error: ApiError };

export function PatientDetailPanel({ pseudonym, onClose }: { pseudonym: string; onClose(): void }) {
  // The parent keys this panel by pseudonym, so state starts fresh for each patient.
  const [state, setState] = useState<DetailState>({ kind: 'loading' });

  useEffect(() => {
    let live = true;
    engineClient.api.getPatient({ pseudonym }).then(
      (detail) => live && setState({ kind: 'loaded', detail }),
      (error: unknown) => live && setState({ kind: 'error', error: asApiError(error) }),
    );
    return () => {
      live = false;
    };
  }, [pseudonym]);

  const detail = state.kind === 'loaded' ? state.detail : null;
  return (
    <aside
      className="panel detail-panel"
      aria-labelledby="patient-detail-title"
      data-testid="patient-detail"
    >
      <div className="panel-head">
        <h3 id="patient-detail-title">
          Patient <span className="mono">{pseudonym.slice(0, 16)}</span>
        </h3>
        <button
          type="button"
          className="button button-quiet"
          onClick={onClose}
          aria-label="Close patient details"
        >
          Close
        </button>
      </div>
      {state.kind === 'loading' ? <p className="muted">Loading…</p> : null}
      {state.kind === 'error' ? (
        <ErrorNotice error={state.error} title="Could not load the patient" />
      ) : null}
      {state.kind === 'loaded' && !detail ? (
        <p className="muted">This patient is no longer in the store.</p>
      ) : null}
      {detail ? (
        <>
          <dl className="detail-facts">
            <div>
              <dt>Sex</dt>
              <dd>{detail.patient.sex ?? '—'}</dd>
            </div>
            <div>
              <dt>Age group</dt>
              <dd>{detail.patient.ageGroup ?? '—'}</dd>
            </div>
            <div>
              <dt>Encounters</dt>
              <dd>{formatCount(detail.patient.encounters)}</dd>
            </div>
            <div>
              <dt>Conditions</dt>
              <dd>{formatCount(detail.patient.conditions)}</dd>
            </div>
            <div>
              <dt>Observations</dt>
              <dd>{formatCount(detail.patient.observations)}</dd>
            </div>
            <div>
              <dt>Medications</dt>
              <dd>{formatCount(detail.patient.medications)}</dd>
            </div>
          </dl>
          {detail.pgx && detail.pgx.length > 0 ? <PgxPanel results={detail.pgx} alerts={detail.alerts ?? []} /> : null}
          <p className="muted small">
            Days are counted from the first contact (day 0). No dates are stored or shown.
          </p>
          {detail.timeline.length === 0 ? (
            <p className="muted">No dated events.</p>
          ) : (
            <>
              <PatientTimeline events={detail.timeline} />
              <div className="table-scroll table-scroll-tall">
                <table className="data-table" data-testid="timeline-table">
                  <caption className="visually-hidden">Timeline events</caption>
                  <thead>
                    <tr>
                      <th scope="col" className="num">
                        Day
                      </th>
                      <th scope="col" className="num">
                        Until
                      </th>
                      <th scope="col">Type</th>
                      <th scope="col">Codes</th>
                      <th scope="col">Detail</th>
                    </tr>
                  </thead>
                  <tbody>
                    {detail.timeline.slice(0, MAX_EVENT_ROWS).map((e, i) => (
                      <tr key={i}>
                        <td className="num">{e.day}</td>
                        <td className="num">{e.endDay ?? ''}</td>
                        <td>{e.type}</td>
                        <td className="small" title={e.codes.join('\n')}>
                          {e.codes.map(formatCode).join(', ')}
                        </td>
                        <td className="cell-wrap">{e.detail ?? ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                {detail.timeline.length > MAX_EVENT_ROWS ? (
                  <p className="muted small">
                    Showing the first {formatCount(MAX_EVENT_ROWS)} of{' '}
                    {formatCount(detail.timeline.length)} events.
                  </p>
                ) : null}
              </div>
            </>
          )}
        </>
      ) : null}
    </aside>
  );
}
