// Where the consortium store is (any S3 API over HTTPS) and, if the hospital requires one, the HTTP
// proxy to reach it. The secret key is written, never read back: the engine does not return it.
import { useState, type FormEvent, type InputHTMLAttributes } from 'react';
import type { ApiError, ConsortiumEndpoint, ConsortiumStatus } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';

// Same rules as the setConsortiumEndpoint schema, checked here to explain them before saving.
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function isUrl(text: string, protocol: 'https:' | 'http:'): boolean {
  try {
    return new URL(text).protocol === protocol;
  } catch {
    return false;
  }
}

interface EndpointFields {
  url: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  proxyUrl: string;
}

/** The endpoint to save, or why it cannot be saved. */
export function parseEndpointFields(f: EndpointFields): ConsortiumEndpoint | string {
  const url = f.url.trim();
  const proxyUrl = f.proxyUrl.trim();
  if (!isUrl(url, 'https:')) return 'The store URL must start with https://.';
  if (!BUCKET.test(f.bucket.trim())) return 'The bucket name has 3–63 lower-case letters, digits, dots or hyphens.';
  if (f.accessKey.trim() === '') return 'Enter the access key.';
  if (f.secretKey === '') return 'Enter the secret key (it is never shown again, so it is needed on every save).';
  if (proxyUrl !== '' && !isUrl(proxyUrl, 'http:')) return 'The proxy URL starts with http:// (HTTPS goes through it as a tunnel).';
  return {
    url,
    bucket: f.bucket.trim(),
    accessKey: f.accessKey.trim(),
    secretKey: f.secretKey,
    ...(proxyUrl ? { proxyUrl } : {}),
  };
}

export function EndpointForm({ endpoint, onSaved }: { endpoint: ConsortiumStatus['endpoint']; onSaved(status: ConsortiumStatus): void }) {
  const [fields, setFields] = useState<EndpointFields>({
    url: endpoint?.url ?? '',
    bucket: endpoint?.bucket ?? '',
    accessKey: endpoint?.accessKey ?? '',
    secretKey: '',
    proxyUrl: endpoint?.proxyUrl ?? '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [touched, setTouched] = useState(false);
  const parsed = parseEndpointFields(fields);
  const set = (key: keyof EndpointFields, value: string) => {
    setFields((f) => ({ ...f, [key]: value }));
    setTouched(true);
    setSaved(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (typeof parsed === 'string') return;
    setBusy(true);
    setError(null);
    engineClient.api.setConsortiumEndpoint(parsed).then(
      (status) => {
        setBusy(false);
        setSaved(true);
        setTouched(false);
        setFields((f) => ({ ...f, secretKey: '' }));
        onSaved(status);
      },
      (e: unknown) => {
        setBusy(false);
        setError(asApiError(e));
      },
    );
  };

  const field = (key: keyof EndpointFields, label: string, props: InputHTMLAttributes<HTMLInputElement>) => (
    <label>
      {label}
      <input
        className="input"
        value={fields[key]}
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => set(key, e.target.value)}
        data-testid={`endpoint-${key}`}
        {...props}
      />
    </label>
  );

  return (
    <section className="panel" aria-labelledby="endpoint-title" data-testid="endpoint-panel">
      <div className="panel-head">
        <h3 id="endpoint-title">Consortium store and proxy</h3>
        <span className="muted small">{endpoint ? `Saved: ${endpoint.url} · ${endpoint.bucket}` : 'Not set up'}</span>
      </div>
      <form className="endpoint-form" onSubmit={submit}>
        {field('url', 'Store URL', { type: 'url', placeholder: 'https://s3.consortium.example' })}
        {field('bucket', 'Bucket', { placeholder: 'consortium-exchange' })}
        {field('accessKey', 'Access key', {})}
        {field('secretKey', 'Secret key', {
          type: 'password',
          placeholder: endpoint ? 'enter again to save' : '',
        })}
        {field('proxyUrl', 'HTTP proxy (optional)', { type: 'url', placeholder: 'http://proxy.hospital.example:3128' })}
        <div className="button-row endpoint-actions">
          <button type="submit" className="button button-primary" disabled={typeof parsed === 'string' || busy} data-testid="endpoint-save">
            {busy ? 'Saving…' : 'Save'}
          </button>
          {touched && typeof parsed === 'string' ? <span className="consortium-field-error">{parsed}</span> : null}
          {saved ? (
            <span className="consortium-ok-text" role="status" data-testid="endpoint-saved">
              Saved. The secret key is not shown again.
            </span>
          ) : null}
        </div>
      </form>
      {error ? <ErrorNotice error={error} title="Settings not saved" /> : null}
    </section>
  );
}
