// The application shell: the always-visible status header and the views.
import { useCallback, useEffect, useState } from 'react';
import type { ApiError, EngineStatus } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { AppHeader } from './app-header.tsx';
import { AuditView } from './audit-view.tsx';
import { ConsortiumView } from './consortium-view.tsx';
import { GenomicsView } from './genomics-view.tsx';
import { ImagingView } from './imaging-view.tsx';
import { ImportView } from './import-view.tsx';
import { ModelsView } from './models-view.tsx';
import { PatientsView } from './patients-view.tsx';
import { QuarantineView } from './quarantine-view.tsx';
import { RiskView } from './risk-view.tsx';

type ViewName = 'import' | 'patients' | 'imaging' | 'genomics' | 'risk' | 'models' | 'consortium' | 'quarantine' | 'audit';

const VIEWS: { name: ViewName; label: string }[] = [
  { name: 'import', label: 'Import' },
  { name: 'patients', label: 'Patients' },
  { name: 'imaging', label: 'Imaging' },
  { name: 'genomics', label: 'Genomics' },
  { name: 'risk', label: 'Risk' },
  { name: 'models', label: 'Models' },
  { name: 'consortium', label: 'Consortium' },
  { name: 'quarantine', label: 'Quarantine' },
  { name: 'audit', label: 'Audit' },
];

export function App() {
  const [view, setView] = useState<ViewName>('import');
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [statusError, setStatusError] = useState<ApiError | null>(null);
  // Bumped whenever an import finishes, so views holding store data reload it.
  const [dataVersion, setDataVersion] = useState(0);
  // Bumped when enrolment or a sync changes the consortium state the header shows.
  const [consortiumVersion, setConsortiumVersion] = useState(0);

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
  const onConsortiumChanged = useCallback(() => setConsortiumVersion((v) => v + 1), []);
  const openModels = useCallback(() => setView('models'), []);

  return (
    <div className="app">
      <AppHeader status={status} error={statusError} consortiumVersion={consortiumVersion} />
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
        <section hidden={view !== 'risk'} aria-labelledby="view-risk-title">
          <RiskView active={view === 'risk'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'models'} aria-labelledby="view-models-title">
          <ModelsView active={view === 'models'} dataVersion={dataVersion} />
        </section>
        <section hidden={view !== 'consortium'} aria-labelledby="view-consortium-title">
          <ConsortiumView active={view === 'consortium'} onChanged={onConsortiumChanged} onOpenModels={openModels} />
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
