// Past sync runs: what came in, what went out, and every object moved with its size and SHA-256.
import type { SyncObject, SyncRunSummary } from '../../main/api/contract.ts';
import { SYNC_STATE_PILLS, formatWhen, shortHash } from './consortium-format.ts';
import { formatBytes, formatCount } from './format.ts';

function ObjectList({ objects }: { objects: SyncObject[] }) {
  if (objects.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="sync-objects">
      {objects.map((o) => (
        <li key={`${o.direction}:${o.key}`} data-testid="sync-object">
          <span className="sync-direction" title={o.direction === 'up' ? 'Uploaded' : 'Downloaded'}>
            {o.direction === 'up' ? '↑' : '↓'}
          </span>
          <span className="mono sync-object-key" title={o.key}>
            {o.key}
          </span>
          <span className="nowrap">{formatBytes(o.bytes)}</span>
          <span className="mono" title={`SHA-256 ${o.sha256}`}>
            {shortHash(o.sha256)}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function SyncHistory({ runs }: { runs: SyncRunSummary[] | null }) {
  return (
    <section className="panel" aria-labelledby="sync-history-title">
      <div className="panel-head">
        <h3 id="sync-history-title">Sync history</h3>
        <span className="muted small">↑ uploaded · ↓ downloaded · hover a hash for its full value</span>
      </div>
      {runs && runs.length > 0 ? (
        <div className="table-scroll table-scroll-tall">
          <table className="data-table sync-history-table" data-testid="sync-history">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">State</th>
                <th scope="col" className="num">Requests received</th>
                <th scope="col" className="num">Releases uploaded</th>
                <th scope="col" className="num">Models registered</th>
                <th scope="col">Objects</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <tr key={run.id} data-testid="sync-run-row" data-state={run.state}>
                  <td className="nowrap">{formatWhen(run.startedAt)}</td>
                  <td>
                    <span className={SYNC_STATE_PILLS[run.state]}>{run.state}</span>
                    {run.error ? <div className="cell-note consortium-error-text">{run.error}</div> : null}
                  </td>
                  <td className="num">{formatCount(run.requestsReceived)}</td>
                  <td className="num">{formatCount(run.releasesUploaded)}</td>
                  <td className="num">{formatCount(run.modelsRegistered)}</td>
                  <td>
                    <ObjectList objects={run.objects} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty-state">{runs === null ? 'Loading…' : 'No sync has run yet.'}</p>
      )}
    </section>
  );
}
