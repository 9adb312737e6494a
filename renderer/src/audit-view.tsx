// Audit: the append-only trail, newest first, filterable by action, and a check of its hash chain.
import { useEffect, useState, type FormEvent } from 'react';
import type { ApiError, AuditPage, AuditVerifyResult } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { Pager } from './pager.tsx';
import { formatCount } from './format.ts';

const PAGE_SIZE = 50;

type VerifyState =
  | { kind: 'idle' }
  | { kind: 'running' }
  | { kind: 'done'; result: AuditVerifyResult }
  | { kind: 'error'; error: ApiError };

function detailsText(details: Record<string, unknown>): string {
  const text = JSON.stringify(details);
  return text === '{}' ? '' : text;
}

function VerifyResult({ state }: { state: VerifyState }) {
  if (state.kind === 'idle') return null;
  if (state.kind === 'running') return <p className="muted">Checking the chain…</p>;
  if (state.kind === 'error')
    return <ErrorNotice error={state.error} title="Verification could not run" />;
  const { result } = state;
  if (result.ok) {
    return (
      <div className="notice notice-ok" data-testid="audit-verify-result" data-ok="true">
        <strong>Chain intact.</strong> {formatCount(result.checked)} rows checked; none edited,
        inserted or deleted.
      </div>
    );
  }
  return (
    <div className="notice notice-error" data-testid="audit-verify-result" data-ok="false">
      <strong>The audit trail has been tampered with.</strong> {formatCount(result.checked)} rows
      checked, {formatCount(result.problems.length)}{' '}
      {result.problems.length === 1 ? 'problem' : 'problems'}:
      <ul className="problem-list">
        {result.problems.map((p, i) => (
          <li key={i}>
            <span className="pill pill-failed">{p.kind}</span>{' '}
            {p.seq !== null ? `row ${p.seq}: ` : ''}
            {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function AuditView({ active }: { active: boolean }) {
  const [offset, setOffset] = useState(0);
  const [actionInput, setActionInput] = useState('');
  const [action, setAction] = useState('');
  const [page, setPage] = useState<AuditPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [verify, setVerify] = useState<VerifyState>({ kind: 'idle' });
  const [knownActions, setKnownActions] = useState<string[]>([]);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    if (!active) return;
    let live = true;
    engineClient.api.listAudit({ offset, limit: PAGE_SIZE, ...(action ? { action } : {}) }).then(
      (result) => {
        if (!live) return;
        setPage(result);
        setError(null);
        setKnownActions((known) =>
          [...new Set([...known, ...result.entries.map((e) => e.action)])].sort(),
        );
      },
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [active, offset, action, reloads]);

  const applyFilter = (event: FormEvent) => {
    event.preventDefault();
    setAction(actionInput.trim());
    setOffset(0);
  };

  const runVerify = () => {
    setVerify({ kind: 'running' });
    engineClient.api.verifyAudit().then(
      (result) => setVerify({ kind: 'done', result }),
      (e: unknown) => setVerify({ kind: 'error', error: asApiError(e) }),
    );
  };

  const total = page?.total ?? 0;
  return (
    <div className="view">
      <div className="view-heading">
        <h2 id="view-audit-title">Audit trail</h2>
        <div className="button-row">
          <button type="button" className="button" onClick={() => setReloads((n) => n + 1)}>
            Refresh
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={runVerify}
            disabled={verify.kind === 'running'}
          >
            Verify chain
          </button>
        </div>
      </div>
      <VerifyResult state={verify} />
      <form className="filter-bar" onSubmit={applyFilter} role="search">
        <label htmlFor="audit-action">Action</label>
        <input
          id="audit-action"
          className="input"
          list="audit-actions"
          value={actionInput}
          placeholder="All actions"
          onChange={(e) => setActionInput(e.currentTarget.value)}
        />
        <datalist id="audit-actions">
          {knownActions.map((a) => (
            <option key={a} value={a} />
          ))}
        </datalist>
        <button type="submit" className="button">
          Filter
        </button>
        {action ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setActionInput('');
              setAction('');
              setOffset(0);
            }}
          >
            Show all
          </button>
        ) : null}
      </form>
      {error ? <ErrorNotice error={error} title="Could not load the audit trail" /> : null}
      <div className="panel panel-flush">
        <table className="data-table" data-testid="audit-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Row
              </th>
              <th scope="col">Time (UTC)</th>
              <th scope="col">Actor</th>
              <th scope="col">Action</th>
              <th scope="col">Details</th>
              <th scope="col">Hash</th>
            </tr>
          </thead>
          <tbody>
            {(page?.entries ?? []).map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td className="nowrap">{e.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
                <td>{e.actor}</td>
                <td>
                  <span className="pill">{e.action}</span>
                </td>
                <td className="mono small cell-wrap">{detailsText(e.details)}</td>
                <td className="mono small" title={e.hash}>
                  {e.hash.slice(0, 12)}…
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.entries.length === 0 ? (
          <p className="empty-state">No entries{action ? ` for “${action}”` : ''}.</p>
        ) : null}
      </div>
      <Pager noun="Rows" offset={offset} pageSize={PAGE_SIZE} total={total} onOffset={setOffset} labels={{ previous: 'Newer', next: 'Older' }} />
    </div>
  );
}
