// Quarantine: DICOM files held back because the Basic Profile cannot make them safe (burned-in
// text, photographs, encapsulated documents). The store keeps no bytes or path of them, only the
// reason and coded facts; a data steward reviews the original at its source and discards the
// entry here (audited). File names appear only in the live import report.
import { useEffect, useState } from 'react';
import type { ApiError, QuarantinePage } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { Pager } from './pager.tsx';
import { formatBytes, formatCount } from './format.ts';

const PAGE_SIZE = 50;

export function QuarantineView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<QuarantinePage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    engineClient.api.listQuarantine({ offset, limit: PAGE_SIZE }).then(
      (result) => {
        if (!live) return;
        setPage(result);
        setError(null);
      },
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [active, offset, dataVersion, reloads]);

  const discard = (id: number) => {
    setBusy(true);
    engineClient.api.discardQuarantined({ id }).then(
      () => {
        setConfirming(null);
        setBusy(false);
        setReloads((n) => n + 1);
      },
      (e: unknown) => {
        setBusy(false);
        setError(asApiError(e));
      },
    );
  };

  const total = page?.total ?? 0;
  return (
    <div className="view">
      <div className="view-heading">
        <h2 id="view-quarantine-title">Quarantine</h2>
        <p className="muted" data-testid="quarantine-pending">
          {page ? `${formatCount(page.pending)} pending review` : ''}
        </p>
      </div>
      <p className="muted">
        These DICOM files were held back: their pixels may show identifying text or faces, which
        header de-identification cannot remove. Nothing of them is kept in the data folder. Review
        the original where it came from (the import report names the file), then discard the entry.
      </p>
      {error ? <ErrorNotice error={error} title="Quarantine" /> : null}
      <div className="panel panel-flush">
        <table className="data-table" data-testid="quarantine-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Id
              </th>
              <th scope="col">Reason</th>
              <th scope="col">Modality</th>
              <th scope="col">Patient</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">State</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(page?.items ?? []).map((q) => (
              <tr key={q.id} data-testid="quarantine-row">
                <td className="num">{q.id}</td>
                <td className="cell-wrap">{q.reason}</td>
                <td>{q.modality ?? '—'}</td>
                <td className="mono">{q.pseudonym ? q.pseudonym.slice(0, 16) : '—'}</td>
                <td className="num nowrap">{formatBytes(q.bytes)}</td>
                <td>
                  <span className={`pill ${q.state === 'pending' ? 'pill-skipped' : ''}`}>{q.state}</span>
                  {q.decidedBy ? <span className="muted cell-note"> by {q.decidedBy}</span> : null}
                </td>
                <td className="nowrap">
                  {q.state !== 'pending' ? null : confirming === q.id ? (
                    <span className="button-row" role="group" aria-label={`Confirm discarding file ${q.id}`}>
                      <button type="button" className="button button-danger" disabled={busy} onClick={() => discard(q.id)}>
                        Confirm discard
                      </button>
                      <button type="button" className="button button-quiet" disabled={busy} onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" className="button" onClick={() => setConfirming(q.id)}>
                      Discard…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.items.length === 0 ? <p className="empty-state">No DICOM file has been held back.</p> : null}
      </div>
      <Pager noun="Files" offset={offset} pageSize={PAGE_SIZE} total={total} onOffset={setOffset} />
    </div>
  );
}
