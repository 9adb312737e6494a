// Header warning while the institution certificate is due for renewal (or has expired): syncing
// stops working on expiry, so it is shown in every view, not only in the Consortium view.
import { useEffect, useState } from 'react';
import type { CertificateInfo } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';

// The warning counts days; hourly is fresh enough for a window left open for days.
const RECHECK_MS = 60 * 60 * 1000;

export function CertificateExpiryNotice({ consortiumVersion }: { consortiumVersion: number }) {
  const [certificate, setCertificate] = useState<CertificateInfo | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      engineClient.api.getConsortiumStatus().then(
        (s) => live && setCertificate(s.certificate),
        // The header already reports an unreachable engine; no second notice for the same cause.
        () => undefined,
      );
    void load();
    const timer = setInterval(() => void load(), RECHECK_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [consortiumVersion]);

  if (!certificate?.renewSoon) return null;
  const days = certificate.daysLeft;
  return (
    <p className="notice notice-warn" role="status" data-testid="certificate-expiry">
      <strong>
        {days < 0
          ? `Certificate expired ${-days} ${days === -1 ? 'day' : 'days'} ago`
          : days === 0
            ? 'Certificate expires today'
            : `Certificate expires in ${days} ${days === 1 ? 'day' : 'days'}`}
      </strong>{' '}
      — create a renewal request in the Consortium view so syncing keeps working.
    </p>
  );
}
