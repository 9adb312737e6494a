// The application shell: the always-visible status header and the three views.
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, EngineStatus } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { AppHeader } from './app-header.tsx';
import { AuditView } from './audit-view.tsx';
import { ImportView } from './import-view.tsx';
import { PatientsView } from './patients-view.tsx';

type ViewName = 'import' | 'patients' | 'audit';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'import', label: 'Import' },
  { name: 'patients', label: 'Patients' },
  { name: 'audit', label: 'Audit' },
];

export function App() {
  const [view, setView] = useState<ViewName>('import');
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [statusError, setStatusError] = useState<ApiError | null>(null);
  // Bumped whenever an import finishes, so views holding store data reload it.
  const [dataVersion, setDataVersion] = useState(0);

  const refreshStatus = useCallback(() => {
    engineClient.api.getStatus().then(
      (s) => {
        setStatus(s);
        setStatusError(null);
      },
      (e: unknown) => setStatusError(asApiError(e)),
    );
  }, []);

  useEffect(() => {
    refreshStatus();
  }, [refreshStatus, dataVersion]);

  const onImportFinished = useCallback(() => setDataVersion((v) => v + 1), []);

  return (
    <div className="app">
      <AppHeader status={status} error={statusError} />
      <nav className="app-nav" aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v.name}
            type="button"
            className="nav-button"
            aria-current={view === v.name ? 'page' : undefined}
            onClick={() => setView(v.name)}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <main className="app-main">
        {/* Views stay mounted so an import keeps its progress while the user browses. */}
        <section hidden={view !== 'import'} aria-labelledby="view-import-title">
          <ImportView onFinished={onImportFinished} />
        </section>
        <section hidden={view !== 'patients'} aria-labelledby="view-patients-title">
          <PatientsView active={view === 'patients'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'audit'} aria-labelledby="view-audit-title">
          <AuditView active={view === 'audit'} />
        </section>
      </main>
    </div>
  );
}
