// Live progress of an import: per-file bars, an overall bar, throughput, and Cancel.
import type { ImportFileProgress, ImportJobState } from '../../main/api/contract.ts';
import type { FileToImport } from './api-client.ts';
import { baseName, formatBytes, formatCount, formatPercent, formatRate } from './format.ts';

// Rendering thousands of live bars helps no one; the overall bar covers the rest.
const MAX_FILE_ROWS = 100;

const FILE_STATE_LABELS: Record<ImportFileProgress['state'], string> = {
  queued: 'Queued',
  running: 'Reading',
  done: 'Done',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
};

function Bar({ value, max, label }: { value: number; max: number; label: string }) {
  return (
    <progress
      className="bar"
      value={max > 0 ? Math.min(value, max) : 0}
      max={max > 0 ? max : 1}
      aria-label={label}
    />
  );
}

function MoreRows({ shown, total }: { shown: number; total: number }) {
  if (total <= shown) return null;
  return (
    <li className="muted file-row-more">
      Showing the first {formatCount(shown)} of {formatCount(total)} files.
    </li>
  );
}

export function TransferProgressList({
  files,
  transferred,
  onCancel,
}: {
  files: FileToImport[];
  transferred: number[];
  onCancel(): void;
}) {
  const total = files.reduce((sum, f) => sum + f.file.size, 0);
  const done = transferred.reduce((sum, n) => sum + n, 0);
  const complete = files.filter((f, i) => (transferred[i] ?? 0) >= f.file.size).length;
  return (
    <div className="panel progress-panel" data-testid="transfer-progress">
      <div className="progress-overall">
        <div className="progress-overall-text">
          <strong>Transferring</strong>
          <span>
            {formatCount(complete)} of {formatCount(files.length)} files · {formatBytes(done)} of{' '}
            {formatBytes(total)} · {formatPercent(done, total)}
          </span>
        </div>
        <Bar value={done} max={total} label="Overall transfer progress" />
        <button type="button" className="button button-danger" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ul className="file-rows">
        {files.slice(0, MAX_FILE_ROWS).map((f, i) => (
          <li className="file-row" key={`${f.relativePath}:${i}`}>
            <span className="file-name mono" title={f.relativePath}>
              {f.relativePath}
            </span>
            <Bar
              value={transferred[i] ?? 0}
              max={f.file.size}
              label={`Transfer of ${f.relativePath}`}
            />
            <span className="file-meta">{formatPercent(transferred[i] ?? 0, f.file.size)}</span>
          </li>
        ))}
        <MoreRows shown={MAX_FILE_ROWS} total={files.length} />
      </ul>
    </div>
  );
}

export function ImportProgress({
  job,
  labels,
  cancelling,
  onCancel,
}: {
  job: ImportJobState | null;
  labels: Map<string, string>;
  cancelling: boolean;
  onCancel(): void;
}) {
  const totals = job?.totals;
  return (
    <div className="panel progress-panel" data-testid="import-progress">
      <div className="progress-overall">
        <div className="progress-overall-text">
          <strong>Reading and de-identifying</strong>
          <span data-testid="import-rate">
            {totals
              ? `${formatCount(totals.accepted)} records accepted · ${formatRate(totals.recordsPerSecond)} records/s · ${formatPercent(totals.bytesRead, totals.bytesTotal)}`
              : 'Starting…'}
          </span>
        </div>
        <Bar
          value={totals?.bytesRead ?? 0}
          max={totals?.bytesTotal ?? 0}
          label="Overall import progress"
        />
        <button
          type="button"
          className="button button-danger"
          onClick={onCancel}
          disabled={cancelling}
        >
          {cancelling ? 'Cancelling…' : 'Cancel'}
        </button>
      </div>
      <ul className="file-rows">
        {(job?.files ?? []).slice(0, MAX_FILE_ROWS).map((f, i) => {
          const name = labels.get(f.file) ?? baseName(f.file);
          return (
            <li className={`file-row file-row-${f.state}`} key={`${f.file}:${i}`}>
              <span className="file-name mono" title={name}>
                {name}
              </span>
              <Bar value={f.bytesRead} max={f.bytesTotal} label={`Progress of ${name}`} />
              <span className="file-meta">
                {FILE_STATE_LABELS[f.state]} · {formatCount(f.accepted)} accepted
                {f.rejected > 0 ? ` · ${formatCount(f.rejected)} rejected` : ''}
              </span>
            </li>
          );
        })}
        <MoreRows shown={MAX_FILE_ROWS} total={job?.files.length ?? 0} />
      </ul>
    </div>
  );
}
