// Enrolment step 1: the institution key pair and its certificate signing request (CSR) for the
// consortium CA. Only the CSR (public key and name) leaves; the private key stays here, encrypted.
import { useRef, useState, type FormEvent } from 'react';
import type { ApiError } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { copyText, downloadText } from './text-export.ts';

const COUNTRY = /^[A-Z]{2}$/;

export function CsrStep({ csrPem, renewal, onCreated }: { csrPem: string | null; renewal: boolean; onCreated(csrPem: string): void }) {
  const [country, setCountry] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const valid = COUNTRY.test(country);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    setBusy(true);
    setError(null);
    setCopied(null);
    engineClient.api.createEnrolmentRequest({ country }).then(
      (result) => {
        setBusy(false);
        onCreated(result.csrPem);
      },
      (e: unknown) => {
        setBusy(false);
        setError(asApiError(e));
      },
    );
  };
  const copy = () => {
    if (!csrPem) return;
    copyText(csrPem, textRef.current).then(
      (ok) => setCopied(ok ? 'yes' : 'no'),
      () => setCopied('no'),
    );
  };

  return (
    <div className="enrolment-step-body" data-testid="csr-step">
      <p className="small">
        This creates the institution&rsquo;s key pair and a certificate signing request. The private key never leaves this
        workstation, where it is stored encrypted. Only the request below (the public key and the
        institution&rsquo;s name) goes to the consortium CA.
        {renewal ? ' Your current certificate stays in use until you import the renewed one.' : ''}
      </p>
      <form className="consortium-form-row" onSubmit={submit}>
        <label>
          Country code
          <input
            className="input consortium-input-country"
            value={country}
            maxLength={2}
            placeholder="DE"
            autoComplete="off"
            aria-describedby="csr-country-hint"
            data-testid="csr-country"
            onChange={(e) => setCountry(e.target.value.toUpperCase())}
          />
        </label>
        <span id="csr-country-hint" className="muted small">
          ISO 3166 two-letter code of the institution
        </span>
        <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid="csr-create">
          {busy ? 'Creating…' : csrPem ? 'Create a new request' : 'Create certificate request'}
        </button>
      </form>
      {error ? <ErrorNotice error={error} title="Could not create the request" /> : null}
      {csrPem ? (
        <>
          <label className="consortium-block-label" htmlFor="csr-pem">
            Certificate signing request — send this to the consortium CA
          </label>
          <textarea
            id="csr-pem"
            ref={textRef}
            className="input pem-text"
            readOnly
            rows={8}
            value={csrPem}
            spellCheck={false}
            data-testid="csr-pem"
          />
          <div className="button-row">
            <button type="button" className="button" onClick={copy} data-testid="csr-copy">
              Copy
            </button>
            <button
              type="button"
              className="button"
              onClick={() => downloadText('dataspace-node.csr.pem', csrPem, 'application/pkcs10')}
              data-testid="csr-download"
            >
              Download .csr.pem
            </button>
            {copied ? (
              <span className="muted small" role="status">
                {copied === 'yes' ? 'Copied.' : 'Could not copy: select the text and press Ctrl+C.'}
              </span>
            ) : null}
          </div>
        </>
      ) : null}
    </div>
  );
}
