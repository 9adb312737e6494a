// Consortium: enrol this node, point it at the consortium store, sync, review what leaves before
// it leaves, see which models came back, and the local disclosure policy that bounds it all.
// Styles: consortium.css, linked from index.html like the other view stylesheets (CSP: style-src 'self').
import { useCallback, useEffect, useState } from 'react';
import type {
  ApiError,
  ConsortiumRequestSummary,
  ConsortiumStatus,
  ModelSummary,
  SyncRunSummary,
} from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ConsortiumModels } from './consortium-models.tsx';
import { EndpointForm } from './endpoint-form.tsx';
import { EnrolmentPanel } from './enrolment-panel.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { ReleasePolicyPanel } from './release-policy-panel.tsx';
import { ReleaseReview } from './release-review.tsx';
import { SyncHistory } from './sync-history.tsx';
import { SyncPanel } from './sync-panel.tsx';

const SYNC_RUNS_SHOWN = 20;

const ENROLMENT_LABELS: Record<ConsortiumStatus['enrolment'], string> = {
  'not-enrolled': 'Not enrolled',
  'csr-created': 'Waiting for the signed certificate',
  enrolled: 'Enrolled',
};

interface ConsortiumData {
  requests: ConsortiumRequestSummary[];
  runs: SyncRunSummary[];
  models: ModelSummary[];
}

export function ConsortiumView({
  active,
  onChanged,
  onOpenModels,
}: {
  active: boolean;
  /** Enrolment or sync changed something other views show (the header's certificate notice, models). */
  onChanged(): void;
  onOpenModels(): void;
}) {
  const [status, setStatus] = useState<ConsortiumStatus | null>(null);
  const [data, setData] = useState<ConsortiumData | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [revision, setRevision] = useState(0);
  const reload = useCallback(() => setRevision((r) => r + 1), []);

  useEffect(() => {
    if (!active) return;
    let live = true;
    const api = engineClient.api;
    Promise.all([api.getConsortiumStatus(), api.listConsortiumRequests(), api.listSyncRuns({ limit: SYNC_RUNS_SHOWN }), api.listModels()]).then(
      ([s, r, runs, m]) => {
        if (!live) return;
        setStatus(s);
        setData({ requests: r.requests, runs: runs.runs, models: m.models });
        setError(null);
      },
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [active, revision]);

  // A sync started elsewhere (the command line, a schedule) also brings new requests and models.
  useEffect(
    () =>
      engineClient.onEvent((event) => {
        if (event.type === 'task.finished' && event.task.kind === 'sync') reload();
      }),
    [reload],
  );

  const changed = () => {
    reload();
    onChanged();
  };
  const statusChanged = (next: ConsortiumStatus) => {
    setStatus(next);
    changed();
  };

  return (
    <div className="view" data-testid="consortium-view">
      <div className="view-heading">
        <h2 id="view-consortium-title">Consortium</h2>
        <p className="muted" data-testid="consortium-enrolment">
          {status ? ENROLMENT_LABELS[status.enrolment] : 'Loading…'}
        </p>
      </div>
      {error ? <ErrorNotice error={error} title="Could not load the consortium state" /> : null}
      {status ? (
        <>
          <EnrolmentPanel status={status} onStatus={statusChanged} onChanged={changed} />
          <EndpointForm endpoint={status.endpoint} onSaved={statusChanged} />
          <SyncPanel status={status} onSynced={changed} />
          <ReleaseReview requests={data?.requests ?? null} onDecided={reload} />
          <ConsortiumModels models={data?.models ?? null} onOpenModels={onOpenModels} />
          <SyncHistory runs={data?.runs ?? null} />
          <ReleasePolicyPanel policy={status.policy} />
        </>
      ) : null}
    </div>
  );
}
