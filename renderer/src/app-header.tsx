// Who we are, where the data lives, what is in it and which policy is in force: always visible.
import type { ApiError, EngineStatus } from '../../main/api/contract.ts';
import { CertificateExpiryNotice } from './certificate-expiry-notice.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';

const COUNTS: { key: keyof EngineStatus['counts']; label: string }[] = [
  { key: 'patients', label: 'Patients' },
  { key: 'encounters', label: 'Encounters' },
  { key: 'conditions', label: 'Conditions' },
  { key: 'observations', label: 'Observations' },
  { key: 'medications', label: 'Medications' },
  { key: 'importBatches', label: 'Imports' },
];

const KEY_PROTECTION_LABELS: Record<EngineStatus['keyProtection'], string> = {
  passphrase: 'Passphrase',
  'os-keychain': 'OS keychain',
  test: 'Test key',
};

export function AppHeader({
  status,
  error,
  consortiumVersion,
}: {
  status: EngineStatus | null;
  error: ApiError | null;
  /** Changes when the consortium certificate may have changed. */
  consortiumVersion: number;
}) {
  return (
    <header className="app-header">
      <div className="header-identity">
        <span className="app-mark" aria-hidden="true" />
        <div>
          <p className="app-name">DataSpace Node</p>
          <h1 className="institution-name" data-testid="institution-name">
            {status?.institution.displayName ?? '…'}
          </h1>
          {status?.synthetic ? (
            <span
              className="synthetic-badge"
              data-testid="synthetic-badge"
              title="This store holds generated sample patients, not real people."
            >
              synthetic data
            </span>
          ) : null}
        </div>
      </div>
      <dl className="header-facts">
        <div className="fact fact-folder">
          <dt>Data folder</dt>
          <dd className="mono" title={status?.dataDir}>
            {status?.dataDir ?? '…'}
          </dd>
        </div>
        <div className="fact">
          <dt>Policy</dt>
          <dd>
            {status ? (
              <span className="policy-badge" data-testid="policy">
                {status.policy.name}{' '}
                <span className="policy-version">v{status.policy.version}</span>
              </span>
            ) : (
              '…'
            )}
          </dd>
        </div>
        <div className="fact">
          <dt>Key protection</dt>
          <dd>{status ? KEY_PROTECTION_LABELS[status.keyProtection] : '…'}</dd>
        </div>
      </dl>
      <dl className="header-counts" aria-label="Records in the store">
        {COUNTS.map((c) => (
          <div key={c.key} className="count">
            <dt>{c.label}</dt>
            <dd data-testid={`count-${c.key}`}>
              {status ? formatCount(status.counts[c.key]) : '–'}
            </dd>
          </div>
        ))}
      </dl>
      <CertificateExpiryNotice consortiumVersion={consortiumVersion} />
      {error ? <ErrorNotice error={error} title="Cannot reach the engine" /> : null}
    </header>
  );
}
