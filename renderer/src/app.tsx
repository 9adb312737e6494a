// The application shell: the always-visible status header and the views.
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, EngineStatus } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { AppHeader } from './app-header.tsx';
import { AuditView } from './audit-view.tsx';
import { GenomicsView } from './genomics-view.tsx';
import { ImagingView } from './imaging-view.tsx';
import { ImportView } from './import-view.tsx';
import { PatientsView } from './patients-view.tsx';
import { QuarantineView } from './quarantine-view.tsx';

type ViewName = 'import' | 'patients' | 'imaging' | 'genomics' | 'quarantine' | 'audit';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'import', label: 'Import' },
  { name: 'patients', label: 'Patients' },
  { name: 'imaging', label: 'Imaging' },
  { name: 'genomics', label: 'Genomics' },
  { name: 'quarantine', label: 'Quarantine' },
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
          <ImportView onFinished={onImportFinished} storeEmpty={status?.counts.patients === 0} />
        </section>
        <section hidden={view !== 'patients'} aria-labelledby="view-patients-title">
          <PatientsView active={view === 'patients'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'imaging'} aria-labelledby="view-imaging-title">
          <ImagingView active={view === 'imaging'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'genomics'} aria-labelledby="view-genomics-title">
          <GenomicsView active={view === 'genomics'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'quarantine'} aria-labelledby="view-quarantine-title">
          <QuarantineView active={view === 'quarantine'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'audit'} aria-labelledby="view-audit-title">
          <AuditView active={view === 'audit'} />
        </section>
      </main>
    </div>
  );
}
