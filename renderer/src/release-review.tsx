// Consortium requests: those waiting for a steward first (with "what leaves"), then the history
// with each request's outcome — refused ones with the policy's reason.
import { useState } from 'react';
import type { ConsortiumRequestSummary } from '../../main/api/contract.ts';
import { REQUEST_STATE_LABELS, REQUEST_STATE_PILLS, formatWhen, indentJson } from './consortium-format.ts';
import { ReleaseChecks, ReleaseRequestCard } from './release-request-card.tsx';

function Outcome({ request }: { request: ConsortiumRequestSummary }) {
  if (request.state === 'refused') {
    return <span data-testid="release-refusal">{request.refusal ?? 'Refused by the disclosure policy.'}</span>;
  }
  if (request.decidedAt) {
    return (
      <span className="muted">
        {request.state === 'rejected' ? 'Rejected' : 'Approved'} {request.decidedBy ? `by ${request.decidedBy} ` : ''}
        {formatWhen(request.decidedAt)}
      </span>
    );
  }
  return null;
}

export function ReleaseReview({ requests, onDecided }: { requests: ConsortiumRequestSummary[] | null; onDecided(): void }) {
  const [openSequence, setOpenSequence] = useState<number | null>(null);
  const pending = (requests ?? []).filter((r) => r.state === 'pending-review');
  const history = (requests ?? []).filter((r) => r.state !== 'pending-review');

  return (
    <section className="panel" aria-labelledby="release-review-title" data-testid="release-review">
      <div className="panel-head">
        <h3 id="release-review-title">Requests and releases</h3>
        <span className="muted small" data-testid="release-pending-count">
          {requests === null ? 'Loading…' : `${pending.length} waiting for review`}
        </span>
      </div>
      <p className="muted small">
        Only requests signed by the consortium CA are accepted. Each answer is computed here under the local disclosure
        policy; nothing is uploaded until it is approved and the next sync runs.
      </p>
      {pending.map((r) => (
        <ReleaseRequestCard key={r.sequence} request={r} onDecided={onDecided} />
      ))}
      {requests !== null && requests.length === 0 ? <p className="empty-state">No requests received yet. Sync to fetch them.</p> : null}
      {history.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table" data-testid="release-history">
            <thead>
              <tr>
                <th scope="col" className="num">#</th>
                <th scope="col">Kind</th>
                <th scope="col">Round</th>
                <th scope="col">Received</th>
                <th scope="col">State</th>
                <th scope="col">Outcome</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            {history.map((r) => (
              <tbody key={r.sequence}>
                <tr data-testid="release-history-row" data-sequence={r.sequence} data-state={r.state}>
                  <td className="num">{r.sequence}</td>
                  <td>{r.kind}</td>
                  <td>{r.round ?? '—'}</td>
                  <td className="nowrap">{formatWhen(r.receivedAt)}</td>
                  <td>
                    <span className={REQUEST_STATE_PILLS[r.state]}>{REQUEST_STATE_LABELS[r.state]}</span>
                  </td>
                  <td className="cell-wrap">
                    <Outcome request={r} />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button button-quiet"
                      aria-expanded={openSequence === r.sequence}
                      onClick={() => setOpenSequence((s) => (s === r.sequence ? null : r.sequence))}
                    >
                      {openSequence === r.sequence ? 'Hide' : 'Details'}
                    </button>
                  </td>
                </tr>
                {openSequence === r.sequence ? (
                  <tr>
                    <td colSpan={7} className="release-history-detail">
                      <ReleaseChecks checks={r.checks} />
                      {r.payloadJson !== null ? (
                        <>
                          <pre className="release-payload" tabIndex={0} aria-label="Payload JSON">
                            {indentJson(r.payloadJson)}
                          </pre>
                          <p className="small mono">
                            {r.payloadBytes} bytes · SHA-256 {r.payloadSha256}
                          </p>
                        </>
                      ) : null}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            ))}
          </table>
        </div>
      ) : null}
    </section>
  );
}
