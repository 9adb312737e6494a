// Imaging: de-identified DICOM studies, counted by modality (chart) and listed page by page.
// Studies show their replacement UID, patient pseudonym, modalities and counts: no text, no dates.
import { useEffect, useState } from 'react';
import type { ApiError, ImagingStudyPage } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { Pager } from './pager.tsx';
import { formatCount } from './format.ts';
import { ModalityChart } from './modality-chart.tsx';

const PAGE_SIZE = 50;

export function ImagingView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  const [offset, setOffset] = useState(0);
  const [modality, setModality] = useState<string | null>(null);
  const [page, setPage] = useState<ImagingStudyPage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!active) return;
    let live = true;
    engineClient.api
      .listImagingStudies({ offset, limit: PAGE_SIZE, ...(modality ? { modality } : {}) })
      .then(
        (result) => {
          if (!live) return;
          setPage(result);
          setError(null);
        },
        (e: unknown) => live && setError(asApiError(e)),
      );
    return () => {
      live = false;
    };
  }, [active, offset, modality, dataVersion]);

  const select = (next: string | null) => {
    setModality(next);
    setOffset(0);
  };
  const total = page?.total ?? 0;

  return (
    <div className="view">
      <div className="view-heading">
        <h2 id="view-imaging-title">Imaging</h2>
        <p className="muted">
          DICOM studies de-identified under the PS3.15 Basic Profile. UIDs are keyed replacements;
          no names, dates or free text are stored.
        </p>
      </div>
      {error ? <ErrorNotice error={error} title="Could not load the imaging studies" /> : null}
      <div className="panel">
        <div className="panel-head">
          <h3>Studies by modality</h3>
          {modality ? (
            <button type="button" className="button button-quiet" onClick={() => select(null)}>
              Show all modalities
            </button>
          ) : null}
        </div>
        {page && page.byModality.length === 0 ? (
          <p className="empty-state">No imaging studies yet. Import DICOM files or folders in Import.</p>
        ) : (
          <div className="chart-scroll">
            <ModalityChart counts={page?.byModality ?? []} selected={modality} onSelect={select} />
          </div>
        )}
        {page && page.byModality.length > 0 ? (
          <div className="filter-bar" role="group" aria-label="Filter by modality">
            {page.byModality.map((m) => (
              <button
                key={m.modality}
                type="button"
                className="button"
                aria-pressed={modality === m.modality}
                onClick={() => select(modality === m.modality ? null : m.modality)}
              >
                {m.modality} ({formatCount(m.studies)})
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <div className="panel panel-flush">
        <table className="data-table" data-testid="imaging-table">
          <caption className="visually-hidden">Imaging studies{modality ? ` with modality ${modality}` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Study (replacement UID)</th>
              <th scope="col">Patient</th>
              <th scope="col">Modalities</th>
              <th scope="col" className="num">
                Series
              </th>
              <th scope="col" className="num">
                Instances
              </th>
              <th scope="col" className="num">
                Batch
              </th>
            </tr>
          </thead>
          <tbody>
            {(page?.studies ?? []).map((s) => (
              <tr key={s.studyUid} data-testid="imaging-row">
                <td className="mono small cell-wrap" title={s.studyUid}>
                  {s.studyUid.length > 28 ? `${s.studyUid.slice(0, 28)}…` : s.studyUid}
                </td>
                <td className="mono">{s.pseudonym.slice(0, 16)}</td>
                <td>
                  {s.modalities.map((m) => (
                    <span key={m} className="pill">
                      {m}
                    </span>
                  ))}
                </td>
                <td className="num">{formatCount(s.series)}</td>
                <td className="num">{formatCount(s.instances)}</td>
                <td className="num">{s.batchId}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {page && page.studies.length === 0 && page.byModality.length > 0 ? (
          <p className="empty-state">No studies with modality {modality}.</p>
        ) : null}
      </div>
      <Pager noun="Studies" offset={offset} pageSize={PAGE_SIZE} total={total} onOffset={setOffset} />
    </div>
  );
}
