// Import: pick files, watch them being read and de-identified, then review what happened.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, ImportJobState } from '../../main/api/contract.ts';
import { asApiError, engineClient, type FileToImport } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { FileDropZone } from './file-drop-zone.tsx';
import { formatBytes, formatCount } from './format.ts';
import { ImportProgress, TransferProgressList } from './import-progress.tsx';
import { ImportSummary } from './import-summary.tsx';
import { SampleDataPanel } from './sample-data-panel.tsx';

type ImportPhase =
  | { kind: 'idle'; notice?: ApiError }
  | { kind: 'transferring'; files: FileToImport[]; transferred: number[] }
  | { kind: 'generating' }
  | {
      kind: 'running';
      jobId: string;
      labels: Map<string, string>;
      job: ImportJobState | null;
      cancelling: boolean;
      notice?: ApiError;
    }
  | { kind: 'finished'; labels: Map<string, string>; job: ImportJobState };

// Without live events for this long, the view asks the engine itself.
const POLL_AFTER_SILENCE_MS = 1500;

function statusText(phase: ImportPhase): string {
  switch (phase.kind) {
    case 'idle':
      return 'No import running';
    case 'transferring':
      return 'Transferring files…';
    case 'generating':
      return 'Generating sample data…';
    case 'running':
      return phase.cancelling ? 'Cancelling import…' : 'Importing…';
    case 'finished':
      if (phase.job.state === 'done') return 'Import finished';
      if (phase.job.state === 'cancelled') return 'Import cancelled';
      return 'Import failed';
  }
}

function sameFile(a: FileToImport, b: FileToImport): boolean {
  return (
    a.relativePath === b.relativePath &&
    a.file.size === b.file.size &&
    a.file.lastModified === b.file.lastModified
  );
}

export function ImportView({
  onFinished,
  storeEmpty = false,
}: {
  onFinished(): void;
  /** The store holds no patients: offer synthetic sample data. */
  storeEmpty?: boolean;
}) {
  const [selection, setSelection] = useState<FileToImport[]>([]);
  const [phase, setPhase] = useState<ImportPhase>({ kind: 'idle' });
  const abort = useRef<AbortController | null>(null);
  const lastEventAt = useRef(0);

  const applyJob = useCallback((job: ImportJobState) => {
    setPhase((p) => {
      if (p.kind !== 'running' || p.jobId !== job.jobId) return p;
      return job.state === 'running' ? { ...p, job } : { kind: 'finished', labels: p.labels, job };
    });
  }, []);

  // Subscribing at mount opens the event stream before any import starts.
  useEffect(
    () =>
      engineClient.onEvent((event) => {
        if (event.type === 'import.progress' || event.type === 'import.finished') {
          lastEventAt.current = Date.now();
          applyJob(event.job);
        }
      }),
    [applyJob],
  );

  const runningJobId = phase.kind === 'running' ? phase.jobId : null;
  useEffect(() => {
    if (!runningJobId) return;
    const timer = setInterval(() => {
      if (
        engineClient.eventsConnected() &&
        Date.now() - lastEventAt.current < POLL_AFTER_SILENCE_MS
      )
        return;
      engineClient.api.getImport({ jobId: runningJobId }).then(
        (job) => {
          if (job) applyJob(job);
        },
        () => undefined,
      );
    }, POLL_AFTER_SILENCE_MS);
    return () => clearInterval(timer);
  }, [runningJobId, applyJob]);

  const finishedJobId = phase.kind === 'finished' ? phase.job.jobId : null;
  useEffect(() => {
    if (finishedJobId) onFinished();
  }, [finishedJobId, onFinished]);

  const addFiles = (files: FileToImport[]) => {
    setSelection((current) => [
      ...current,
      ...files.filter((f) => !current.some((c) => sameFile(c, f))),
    ]);
    setPhase((p) => (p.kind === 'finished' || p.kind === 'idle' ? { kind: 'idle' } : p));
  };

  const start = async () => {
    const files = selection;
    if (files.length === 0) return;
    const controller = new AbortController();
    abort.current = controller;
    setPhase({ kind: 'transferring', files, transferred: files.map(() => 0) });
    try {
      const { jobId, labels } = await engineClient.importFiles(files, {
        signal: controller.signal,
        onProgress: ({ index, loaded }) =>
          setPhase((p) => {
            if (p.kind !== 'transferring') return p;
            const transferred = [...p.transferred];
            transferred[index] = loaded;
            return { ...p, transferred };
          }),
      });
      lastEventAt.current = 0;
      setSelection([]);
      setPhase({ kind: 'running', jobId, labels, job: null, cancelling: false });
    } catch (error) {
      const e = asApiError(error);
      setPhase({
        kind: 'idle',
        notice:
          e.code === 'cancelled'
            ? { ...e, message: 'The transfer was cancelled; nothing was imported.' }
            : e,
      });
    } finally {
      abort.current = null;
    }
  };

  const loadSampleData = async () => {
    setPhase({ kind: 'generating' });
    try {
      const { jobId } = await engineClient.api.loadSampleData({});
      lastEventAt.current = 0;
      setPhase({ kind: 'running', jobId, labels: new Map(), job: null, cancelling: false });
    } catch (error) {
      setPhase({ kind: 'idle', notice: asApiError(error) });
    }
  };

  const cancel = () => {
    if (phase.kind === 'transferring') abort.current?.abort();
    if (phase.kind === 'running') {
      setPhase({ ...phase, cancelling: true });
      engineClient.api
        .cancelImport({ jobId: phase.jobId })
        .catch((error: unknown) =>
          setPhase((p) =>
            p.kind === 'running' ? { ...p, cancelling: false, notice: asApiError(error) } : p,
          ),
        );
    }
  };

  const busy = phase.kind === 'transferring' || phase.kind === 'running' || phase.kind === 'generating';
  const selectedBytes = selection.reduce((sum, f) => sum + f.file.size, 0);

  return (
    <div className="view">
      <div className="view-heading">
        <h2 id="view-import-title">Import</h2>
        <p
          className={`import-status import-status-${phase.kind === 'finished' ? phase.job.state : phase.kind}`}
          data-testid="import-status"
          data-state={phase.kind === 'finished' ? phase.job.state : phase.kind}
          role="status"
          aria-live="polite"
        >
          {statusText(phase)}
        </p>
      </div>

      <FileDropZone disabled={busy} onFiles={addFiles} />

      {storeEmpty && selection.length === 0 && (phase.kind === 'idle' || phase.kind === 'generating') ? (
        <SampleDataPanel disabled={busy} onLoad={() => void loadSampleData()} />
      ) : null}

      {selection.length > 0 && !busy ? (
        <div className="selection panel">
          <div className="selection-head">
            <p>
              <strong>{formatCount(selection.length)}</strong>{' '}
              {selection.length === 1 ? 'file' : 'files'} selected · {formatBytes(selectedBytes)}
            </p>
            <div className="button-row">
              <button type="button" className="button" onClick={() => setSelection([])}>
                Clear
              </button>
              <button type="button" className="button button-primary" onClick={() => void start()}>
                Start import
              </button>
            </div>
          </div>
          <ul className="selection-list">
            {selection.slice(0, 50).map((f) => (
              <li key={`${f.relativePath}:${f.file.size}:${f.file.lastModified}`}>
                <span className="mono">{f.relativePath}</span>
                <span className="muted">{formatBytes(f.file.size)}</span>
              </li>
            ))}
            {selection.length > 50 ? (
              <li className="muted">… and {formatCount(selection.length - 50)} more</li>
            ) : null}
          </ul>
        </div>
      ) : null}

      {phase.kind === 'idle' && phase.notice ? (
        <ErrorNotice error={phase.notice} title="Import not started" />
      ) : null}

      {phase.kind === 'transferring' ? (
        <TransferProgressList
          files={phase.files}
          transferred={phase.transferred}
          onCancel={cancel}
        />
      ) : null}

      {phase.kind === 'running' && phase.notice ? (
        <ErrorNotice error={phase.notice} title="Could not cancel" />
      ) : null}

      {phase.kind === 'running' ? (
        <ImportProgress
          job={phase.job}
          labels={phase.labels}
          cancelling={phase.cancelling}
          onCancel={cancel}
        />
      ) : null}

      {phase.kind === 'finished' ? <ImportSummary job={phase.job} labels={phase.labels} /> : null}
    </div>
  );
}
