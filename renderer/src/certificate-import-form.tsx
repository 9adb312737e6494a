// Enrolment step 2: the certificate signed by the consortium CA, pasted as PEM with the CA chain,
// or as the PKCS#12 bundle (.p12/.pfx) with its password. The engine checks it against the key.
import { useState, type FormEvent } from 'react';
import type { ApiError, ConsortiumStatus, EnrolmentImport } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { readFileAsBase64 } from './text-export.ts';

// importEnrolment accepts at most 262,144 base64 characters, i.e. about 196 KB of PKCS#12.
const MAX_PKCS12_BYTES = 196_000;
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/;

type Format = 'pem' | 'pkcs12';

export function CertificateImportForm({ onImported }: { onImported(status: ConsortiumStatus): void }) {
  const [format, setFormat] = useState<Format>('pem');
  const [certificatePem, setCertificatePem] = useState('');
  const [chainPem, setChainPem] = useState('');
  const [bundle, setBundle] = useState<File | null>(null);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const problem =
    format === 'pem'
      ? !PEM_CERTIFICATE.test(certificatePem)
        ? 'Paste the certificate, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----.'
        : chainPem.trim() !== '' && !PEM_CERTIFICATE.test(chainPem)
          ? 'The CA chain must be PEM certificates.'
          : null
      : !bundle
        ? 'Choose the .p12 or .pfx file.'
        : bundle.size > MAX_PKCS12_BYTES
          ? 'This file is too large for a certificate bundle.'
          : null;

  const build = async (): Promise<EnrolmentImport> =>
    format === 'pem'
      ? { certificatePem: certificatePem.trim(), ...(chainPem.trim() ? { chainPem: chainPem.trim() } : {}) }
      : { pkcs12Base64: await readFileAsBase64(bundle!), password };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    build()
      .then((request) => engineClient.api.importEnrolment(request))
      .then(
        (status) => {
          setBusy(false);
          setPassword('');
          onImported(status);
        },
        (e: unknown) => {
          setBusy(false);
          setError(asApiError(e));
        },
      );
  };

  return (
    <form className="enrolment-step-body" onSubmit={submit} data-testid="certificate-import-form">
      <fieldset className="consortium-choice">
        <legend className="visually-hidden">Certificate format</legend>
        <label>
          <input type="radio" name="certificate-format" checked={format === 'pem'} onChange={() => setFormat('pem')} />
          PEM certificate and CA chain
        </label>
        <label>
          <input
            type="radio"
            name="certificate-format"
            checked={format === 'pkcs12'}
            onChange={() => setFormat('pkcs12')}
            data-testid="certificate-format-pkcs12"
          />
          PKCS#12 file (.p12, .pfx)
        </label>
      </fieldset>
      {format === 'pem' ? (
        <>
          <label className="consortium-block-label">
            Signed certificate (PEM)
            <textarea
              className="input pem-text"
              rows={6}
              spellCheck={false}
              value={certificatePem}
              placeholder="-----BEGIN CERTIFICATE-----"
              onChange={(e) => setCertificatePem(e.target.value)}
              data-testid="certificate-pem"
            />
          </label>
          <label className="consortium-block-label">
            Consortium CA chain (PEM, issuing CA first)
            <textarea
              className="input pem-text"
              rows={6}
              spellCheck={false}
              value={chainPem}
              placeholder="-----BEGIN CERTIFICATE-----"
              onChange={(e) => setChainPem(e.target.value)}
              data-testid="certificate-chain-pem"
            />
          </label>
        </>
      ) : (
        <div className="consortium-form-row">
          <label>
            Bundle file
            <input
              type="file"
              className="input"
              accept=".p12,.pfx,application/x-pkcs12"
              onChange={(e) => setBundle(e.target.files?.[0] ?? null)}
              data-testid="certificate-pkcs12-file"
            />
          </label>
          <label>
            Password
            <input
              type="password"
              className="input"
              autoComplete="off"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              data-testid="certificate-pkcs12-password"
            />
          </label>
        </div>
      )}
      <p className="muted small">
        Nothing here goes over the network: the local engine checks that the certificate belongs to the institution key (the one from step 1, or the one inside the bundle) and was issued by the
        consortium CA.
      </p>
      <div className="button-row">
        <button type="submit" className="button button-primary" disabled={problem !== null || busy} data-testid="certificate-import">
          {busy ? 'Importing…' : 'Import certificate'}
        </button>
        {problem && (certificatePem || bundle) ? <span className="consortium-field-error">{problem}</span> : null}
      </div>
      {error ? <ErrorNotice error={error} title="Certificate not imported" /> : null}
    </form>
  );
}
