// Enrolment walkthrough for the data steward or IT: create a certificate request, import the signed
// certificate, then check what was enrolled. Renewal repeats steps 1 and 2 with a new request.
import { useState, type ReactNode } from 'react';
import type { ConsortiumStatus } from '../../main/api/contract.ts';
import { EnrolmentDone } from './certificate-facts.tsx';
import { CertificateImportForm } from './certificate-import-form.tsx';
import { CsrStep } from './csr-step.tsx';

type StepState = 'current' | 'done' | 'waiting';

const STEP_STATE_TEXT: Record<StepState, string> = { current: 'to do', done: 'done', waiting: 'later' };

function Step({ n, title, state, children }: { n: number; title: string; state: StepState; children?: ReactNode }) {
  return (
    <li className={`enrolment-step enrolment-step-${state}`} data-testid={`enrolment-step-${n}`} data-state={state}>
      <h4 className="enrolment-step-title">
        <span className="enrolment-step-number" aria-hidden="true">
          {state === 'done' ? '✓' : n}
        </span>
        {title} <span className="visually-hidden">({STEP_STATE_TEXT[state]})</span>
      </h4>
      {children}
    </li>
  );
}

export function EnrolmentPanel({
  status,
  onStatus,
  onChanged,
}: {
  status: ConsortiumStatus;
  /** The engine's status after an import. */
  onStatus(status: ConsortiumStatus): void;
  /** Something changed that the status does not carry yet: reload it. */
  onChanged(): void;
}) {
  const [renewing, setRenewing] = useState(false);
  const [createdCsr, setCreatedCsr] = useState<string | null>(null);
  const enrolled = status.enrolment === 'enrolled' && status.certificate !== null;
  const requesting = !enrolled || renewing;
  const csrPem = createdCsr ?? (requesting && status.enrolment !== 'enrolled' ? status.csrPem : null);
  const hasRequest = csrPem !== null;

  return (
    <section className="panel" aria-labelledby="enrolment-title" data-testid="enrolment-panel" data-enrolment={status.enrolment}>
      <div className="panel-head">
        <h3 id="enrolment-title">Enrolment</h3>
        {enrolled && !renewing ? (
          <button type="button" className="button button-quiet" onClick={() => setRenewing(true)}>
            Renew certificate…
          </button>
        ) : null}
        {renewing ? (
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setRenewing(false);
              setCreatedCsr(null);
            }}
          >
            Close renewal
          </button>
        ) : null}
      </div>
      <p className="muted small">
        The node proves who it is to the consortium with an X.509 certificate signed by the consortium CA. Every request it
        accepts must be signed by that CA; every release it uploads is signed with this institution&rsquo;s key.
      </p>
      <ol className="enrolment-steps">
        <Step n={1} title="Create a certificate request" state={requesting ? (hasRequest ? 'done' : 'current') : 'done'}>
          {requesting ? (
            <CsrStep
              csrPem={csrPem}
              renewal={renewing}
              onCreated={(pem) => {
                setCreatedCsr(pem);
                onChanged();
              }}
            />
          ) : null}
        </Step>
        <Step n={2} title="Import the signed certificate" state={requesting ? (hasRequest ? 'current' : 'waiting') : 'done'}>
          {requesting && !hasRequest ? (
            <p className="muted small enrolment-step-body">
              Once the consortium CA has signed the request, paste the certificate here. If the consortium issued a .p12
              bundle with its own key instead, you can import that without step 1.
            </p>
          ) : null}
          {requesting ? (
            <CertificateImportForm
              onImported={(next) => {
                setRenewing(false);
                setCreatedCsr(null);
                onStatus(next);
              }}
            />
          ) : null}
        </Step>
        <Step n={3} title="Enrolled" state={enrolled ? 'done' : 'waiting'}>
          {enrolled && status.certificate ? (
            <EnrolmentDone
              certificate={status.certificate}
              ca={status.ca}
              crlNextUpdate={status.crlNextUpdate}
              onRenew={() => setRenewing(true)}
            />
          ) : null}
        </Step>
      </ol>
    </section>
  );
}
