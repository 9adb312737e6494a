// "Sync now": fetch the CRL and signed requests, upload approved releases, download signed models.
// Runs as an engine task with live progress and Cancel; the last run and the outbox stay in view.
import type { ConsortiumStatus, SyncRunSummary, TaskState } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { SYNC_STATE_PILLS, formatWhen } from './consortium-format.ts';
import { formatCount } from './format.ts';
import { TaskProgress } from './task-progress.tsx';
import { useTask } from './use-task.ts';

function runCounts(run: SyncRunSummary): string {
  return (
    `${formatCount(run.requestsReceived)} ${run.requestsReceived === 1 ? 'request' : 'requests'} received, ` +
    `${formatCount(run.releasesUploaded)} ${run.releasesUploaded === 1 ? 'release' : 'releases'} uploaded, ` +
    `${formatCount(run.modelsRegistered)} ${run.modelsRegistered === 1 ? 'model' : 'models'} registered`
  );
}

/** Why Sync now is not possible yet, or null. */
function notReady(status: ConsortiumStatus): string | null {
  if (status.enrolment !== 'enrolled') return 'Finish enrolment first.';
  if (!status.endpoint) return 'Set up the consortium store first.';
  return null;
}

export function SyncPanel({ status, onSynced }: { status: ConsortiumStatus; onSynced(task: TaskState): void }) {
  const sync = useTask(onSynced);
  const blocked = notReady(status);
  const last = status.lastSync;
  const finished = sync.task?.state === 'done' && sync.task.result?.type === 'sync' ? sync.task.result.run : null;

  return (
    <section className="panel" aria-labelledby="sync-title" data-testid="sync-panel">
      <div className="panel-head">
        <h3 id="sync-title">Sync</h3>
        <div className="button-row">
          {blocked ? <span className="muted small">{blocked}</span> : null}
          <button
            type="button"
            className="button button-primary"
            disabled={blocked !== null || sync.running}
            onClick={() => sync.start(() => engineClient.api.startSync({}))}
            data-testid="sync-now"
          >
            Sync now
          </button>
        </div>
      </div>
      <p className="muted small">
        The node always opens the connection itself: it fetches the revocation list and requests signed by the consortium CA, uploads the releases
        approved below, and downloads signed models as candidates. Nothing else leaves.
      </p>
      <TaskProgress control={sync} title="Syncing with the consortium" testId="sync-progress" />
      {finished ? (
        <div className="notice notice-ok" role="status" data-testid="sync-finished">
          Sync finished: {runCounts(finished)}.
        </div>
      ) : null}
      <dl className="consortium-facts">
        <div>
          <dt>Last sync</dt>
          <dd data-testid="sync-last">
            {last ? (
              <>
                {formatWhen(last.startedAt)} <span className={SYNC_STATE_PILLS[last.state]}>{last.state}</span>
                <span className="muted small consortium-fact-note">{runCounts(last)}</span>
              </>
            ) : (
              'Never'
            )}
          </dd>
        </div>
        <div>
          <dt>Outbox</dt>
          <dd data-testid="sync-outbox">
            {formatCount(status.outbox.pending)} waiting · {formatCount(status.outbox.uploaded)} uploaded
          </dd>
        </div>
      </dl>
      {last?.error ? <p className="notice notice-error">Last sync failed: {last.error}</p> : null}
      {status.outbox.lastError ? <p className="notice notice-warn">Last upload problem: {status.outbox.lastError}</p> : null}
    </section>
  );
}
