// Enrolment step 3: the institution certificate and the consortium CA as they were imported.
import type { CertificateInfo } from '../../main/api/contract.ts';
import { breakableHex, daysLeftText, formatDay, formatWhen } from './consortium-format.ts';

function CertificateFacts({ certificate, testId }: { certificate: CertificateInfo; testId: string }) {
  return (
    <dl className="certificate-facts" data-testid={testId}>
      <div>
        <dt>Subject</dt>
        <dd className="mono" data-testid={`${testId}-subject`}>
          {certificate.subject}
        </dd>
      </div>
      <div>
        <dt>Issuer</dt>
        <dd className="mono">{certificate.issuer}</dd>
      </div>
      <div>
        <dt>Serial number</dt>
        <dd className="mono">{certificate.serialNumber}</dd>
      </div>
      <div>
        <dt>Valid</dt>
        <dd>
          {formatDay(certificate.notBefore)} – {formatDay(certificate.notAfter)}{' '}
          <span className={certificate.renewSoon ? 'consortium-warn-text' : 'muted'} data-testid={`${testId}-days-left`}>
            ({daysLeftText(certificate.daysLeft)})
          </span>
        </dd>
      </div>
      <div className="certificate-facts-wide">
        <dt>SHA-256 fingerprint</dt>
        <dd className="mono" data-testid={`${testId}-fingerprint`}>
          {breakableHex(certificate.fingerprint256)}
        </dd>
      </div>
    </dl>
  );
}

/** What an IT person compares with the consortium's records when enrolment is done. */
export function EnrolmentDone({
  certificate,
  ca,
  crlNextUpdate,
  onRenew,
}: {
  certificate: CertificateInfo;
  ca: CertificateInfo | null;
  crlNextUpdate: string | null;
  onRenew(): void;
}) {
  return (
    <div className="enrolment-step-body">
      {certificate.renewSoon ? (
        <div className="notice notice-warn" role="status" data-testid="certificate-renew-hint">
          The certificate {certificate.daysLeft < 0 ? 'has expired' : `expires in ${certificate.daysLeft} days`}. Renew it by
          creating a new certificate request (step 1), having the consortium CA sign it and importing the result (step 2).{' '}
          <button type="button" className="button" onClick={onRenew} data-testid="certificate-renew">
            Create a renewal request
          </button>
        </div>
      ) : null}
      <h4>Institution certificate</h4>
      <CertificateFacts certificate={certificate} testId="certificate" />
      {ca ? (
        <>
          <h4>Consortium CA</h4>
          <CertificateFacts certificate={ca} testId="ca-certificate" />
        </>
      ) : null}
      <p className="muted small">
        Revocation list: {crlNextUpdate ? `next update ${formatWhen(crlNextUpdate)}` : 'not fetched yet (fetched at each sync)'}.
      </p>
    </div>
  );
}
