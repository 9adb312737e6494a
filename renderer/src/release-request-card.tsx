// "What leaves": one consortium request waiting for review, with the policy checks it passed, the
// exact payload that would be uploaded (its size and SHA-256 recomputed here), and the decision.
import { useState } from 'react';
import type { ApiError, ConsortiumRequestSummary } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { breakableHex, formatWhen, indentJson } from './consortium-format.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatBytes, formatCount } from './format.ts';
import { useSha256, type TextDigest } from './use-sha256.ts';

export function ReleaseChecks({ checks }: { checks: ConsortiumRequestSummary['checks'] }) {
  return (
    <ul className="release-checks" aria-label="Policy checks">
      {checks.map((c, i) => (
        <li
          key={`${c.id}:${c.subject ?? ''}:${i}`}
          className={c.passed ? 'release-check-passed' : c.outcome === 'withheld' ? 'release-check-withheld' : 'release-check-failed'}
          data-testid="release-check"
          data-passed={c.passed}
          data-outcome={c.outcome}
        >
          <span aria-hidden="true">{c.passed ? '✓' : c.outcome === 'withheld' ? '–' : '✗'}</span>
          <span className="visually-hidden">{c.passed ? 'Passed:' : c.outcome === 'withheld' ? 'Withheld:' : 'Failed:'}</span> {c.message}
        </li>
      ))}
    </ul>
  );
}

/** Whether the engine's size and SHA-256 are those of the text on screen (null: not computed). */
function digestMatches(request: ConsortiumRequestSummary, local: TextDigest | null): boolean | null {
  if (local === null) return null;
  return local.sha256 === request.payloadSha256 && local.bytes === request.payloadBytes;
}

function PayloadDigest({ request, matches }: { request: ConsortiumRequestSummary; matches: boolean | null }) {
  return (
    <dl className="consortium-facts">
      <div>
        <dt>Size</dt>
        <dd data-testid="release-payload-bytes">
          {request.payloadBytes === null ? '—' : `${formatBytes(request.payloadBytes)} (${formatCount(request.payloadBytes)} bytes)`}
        </dd>
      </div>
      <div className="consortium-fact-wide">
        <dt>SHA-256</dt>
        <dd className="mono" data-testid="release-payload-sha256">
          {request.payloadSha256 ? breakableHex(request.payloadSha256) : '—'}
          {matches !== null ? (
            <span className={matches ? 'consortium-ok-text consortium-fact-note' : 'consortium-error-text consortium-fact-note'}>
              {matches ? '✓ matches the text shown, checked on this screen' : '✗ does not match the text shown; approval is blocked'}
            </span>
          ) : null}
        </dd>
      </div>
    </dl>
  );
}

export function ReleaseRequestCard({ request, onDecided }: { request: ConsortiumRequestSummary; onDecided(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [exact, setExact] = useState(false);
  const [deciding, setDeciding] = useState<{ busy: boolean; error: ApiError | null }>({ busy: false, error: null });
  // A withheld item leaves as null and the rest may go; only a refusal blocks the release.
  const failed = request.checks.some((c) => !c.passed && c.outcome !== 'withheld');
  const payload = request.payloadJson;
  const matches = digestMatches(request, useSha256(payload));

  const decide = (approve: boolean) => {
    setDeciding({ busy: true, error: null });
    const trimmed = reason.trim();
    engineClient.api.decideRelease({ sequence: request.sequence, approve, ...(!approve && trimmed ? { reason: trimmed } : {}) }).then(
      () => {
        setDeciding({ busy: false, error: null });
        setConfirming(false);
        onDecided();
      },
      (e: unknown) => setDeciding({ busy: false, error: asApiError(e) }),
    );
  };

  return (
    <article className="release-card" data-testid="release-request" data-sequence={request.sequence} aria-labelledby={`release-${request.sequence}-title`}>
      <div className="panel-head">
        <h4 id={`release-${request.sequence}-title`}>
          Request #{request.sequence}: {request.kind}
          {request.round ? ` · round ${request.round}` : ''}
        </h4>
        <span className="muted small">
          Issued {formatWhen(request.issuedAt)} · expires {formatWhen(request.expiresAt)}
        </span>
      </div>
      <ReleaseChecks checks={request.checks} />
      <div className="panel-head">
        <h5 className="release-payload-title">What leaves this node</h5>
        <label className="small">
          <input type="checkbox" checked={exact} onChange={(e) => setExact(e.target.checked)} data-testid="release-payload-exact" /> Show the
          exact bytes (not indented)
        </label>
      </div>
      {payload !== null ? (
        <pre className="release-payload" tabIndex={0} aria-label="Payload JSON" data-testid="release-payload">
          {exact ? payload : indentJson(payload)}
        </pre>
      ) : (
        <p className="notice notice-warn">No payload was prepared for this request.</p>
      )}
      <PayloadDigest request={request} matches={matches} />
      {deciding.error && !confirming ? <ErrorNotice error={deciding.error} title="Decision not recorded" /> : null}
      <div className="release-decision">
        <button
          type="button"
          className="button button-primary"
          disabled={failed || payload === null || matches === false || deciding.busy}
          onClick={() => setConfirming(true)}
          data-testid="release-approve"
        >
          Approve release
        </button>
        <label className="release-reason">
          <span className="visually-hidden">Reason for rejecting</span>
          <input
            className="input"
            value={reason}
            maxLength={1000}
            placeholder="Reason for rejecting (recorded in the audit log)"
            onChange={(e) => setReason(e.target.value)}
            data-testid="release-reject-reason"
          />
        </label>
        <button
          type="button"
          className="button button-danger"
          disabled={reason.trim() === '' || deciding.busy}
          onClick={() => decide(false)}
          data-testid="release-reject"
        >
          Reject
        </button>
      </div>
      {failed ? <p className="consortium-field-error">A policy check failed: this release cannot be approved.</p> : null}
      {!failed && request.checks.some((c) => c.outcome === 'withheld') ? (
        <p className="muted">Items marked – are withheld by the local policy: they leave as null, the rest as shown.</p>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={`Approve the release for request #${request.sequence}?`}
          confirmLabel="Approve"
          busy={deciding.busy}
          error={deciding.error}
          onConfirm={() => decide(true)}
          onClose={() => setConfirming(false)}
          testId="release-approve-dialog"
        >
          <p>
            Exactly the payload shown ({request.payloadBytes === null ? '?' : formatCount(request.payloadBytes)} bytes, SHA-256{' '}
            <span className="mono">{request.payloadSha256?.slice(0, 16)}…</span>) is signed and uploaded at the next sync. Your
            decision is recorded in the audit log.
          </p>
        </ConfirmDialog>
      ) : null}
    </article>
  );
}
