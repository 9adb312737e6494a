// What an import did: outcome counts and chart, what was skipped by type, and every rejection.
import type { ImportIssue, ImportJobState } from '../../main/api/contract.ts';
import { downloadCsv, toCsv } from './csv.ts';
import { ErrorNotice } from './error-notice.tsx';
import { baseName, formatBytes, formatCount } from './format.ts';
import { OutcomeChart, type OutcomeBar } from './outcome-chart.tsx';

// The CSV carries all rejections; the page shows enough to see the pattern.
const MAX_REJECTION_ROWS = 500;

function duration(job: ImportJobState): string {
  if (!job.finishedAt) return '';
  const ms = Date.parse(job.finishedAt) - Date.parse(job.startedAt);
  if (!Number.isFinite(ms) || ms < 0) return '';
  return ms < 60_000
    ? `${(ms / 1000).toFixed(1)} s`
    : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function exportRejections(
  job: ImportJobState,
  rejections: ImportIssue[],
  label: (file: string) => string,
): void {
  const csv = toCsv(
    ['file', 'position', 'path', 'reason'],
    rejections.map((r) => [label(r.file), r.position, r.path ?? '', r.reason]),
  );
  downloadCsv(`import-rejections-${job.jobId.slice(0, 8)}.csv`, csv);
}

export function ImportSummary({
  job,
  labels,
}: {
  job: ImportJobState;
  labels: Map<string, string>;
}) {
  const label = (file: string) => labels.get(file) ?? baseName(file);
  const { totals } = job;
  const rejections = job.issues.filter((i) => i.severity === 'rejected');
  // DICOM files held back for review: their names are shown here only, never stored.
  const heldBack = job.issues.filter((i) => i.severity === 'quarantined');
  const warnings = job.issues.filter((i) => i.severity === 'warning');
  const skippedTypes = Object.entries(job.skippedByType).sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
  const bars: OutcomeBar[] = [
    { key: 'accepted', label: 'Accepted', value: totals.accepted },
    { key: 'inserted', label: 'Inserted', value: totals.inserted },
    { key: 'unchanged', label: 'Unchanged', value: totals.unchanged },
    { key: 'rejected', label: 'Rejected', value: totals.rejected },
    { key: 'skipped', label: 'Skipped', value: totals.skipped },
  ];

  return (
    <div className="summary" data-testid="import-summary">
      {job.error ? <ErrorNotice error={job.error} title="The import could not run" /> : null}
      {warnings.map((w, i) => (
        <div key={i} className="notice notice-warn" role="status">
          {w.reason}
        </div>
      ))}
      <div className="panel">
        <div className="panel-head">
          <h3>Summary</h3>
          <p className="muted">
            {formatCount(job.files.length)} files · {formatBytes(totals.bytesRead)} ·{' '}
            {duration(job)} · de-identified under {job.policy.name} v{job.policy.version}
            {job.batchId !== null ? ` · batch ${job.batchId}` : ''}
          </p>
        </div>
        <div className="summary-grid">
          <dl className="stat-tiles">
            {bars.map((b) => (
              <div key={b.key} className={`stat-tile stat-${b.key}`}>
                <dt>{b.label}</dt>
                <dd data-testid={`summary-${b.key}`}>{formatCount(b.value)}</dd>
              </div>
            ))}
          </dl>
          <OutcomeChart bars={bars} title="Import outcome" />
        </div>
      </div>

      <div className="summary-columns">
        <div className="panel">
          <h3>Files</h3>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Result</th>
                <th scope="col" className="num">
                  Accepted
                </th>
                <th scope="col" className="num">
                  Rejected
                </th>
                <th scope="col" className="num">
                  Skipped
                </th>
              </tr>
            </thead>
            <tbody>
              {job.files.slice(0, MAX_REJECTION_ROWS).map((f, i) => (
                <tr key={`${f.file}:${i}`}>
                  <td className="mono cell-wrap" title={f.message}>
                    {label(f.file)}
                  </td>
                  <td>
                    <span className={`pill pill-${f.state}`}>{f.state}</span>
                    {f.message ? <span className="muted cell-note"> {f.message}</span> : null}
                  </td>
                  <td className="num">{formatCount(f.accepted)}</td>
                  <td className="num">{formatCount(f.rejected)}</td>
                  <td className="num">{formatCount(f.skipped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="panel">
          <h3>Skipped by resource type</h3>
          {skippedTypes.length === 0 ? (
            <p className="muted">Nothing was skipped.</p>
          ) : (
            <table className="data-table" data-testid="skipped-by-type">
              <thead>
                <tr>
                  <th scope="col">Resource type</th>
                  <th scope="col" className="num">
                    Skipped
                  </th>
                </tr>
              </thead>
              <tbody>
                {skippedTypes.map(([type, count]) => (
                  <tr key={type}>
                    <td>{type}</td>
                    <td className="num">{formatCount(count)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      </div>

      <div className="panel">
        <div className="panel-head">
          <h3>Rejected records ({formatCount(rejections.length)})</h3>
          <button
            type="button"
            className="button"
            disabled={rejections.length === 0}
            onClick={() => exportRejections(job, rejections, label)}
          >
            Export CSV
          </button>
        </div>
        {rejections.length === 0 ? (
          <p className="muted">No record was rejected.</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="rejections">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Position</th>
                  <th scope="col">Path</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {rejections.slice(0, MAX_REJECTION_ROWS).map((r, i) => (
                  <tr key={i}>
                    <td className="mono cell-wrap">{label(r.file)}</td>
                    <td className="nowrap">{r.position}</td>
                    <td className="mono cell-wrap">{r.path ?? '—'}</td>
                    <td className="cell-wrap">{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {rejections.length > MAX_REJECTION_ROWS ? (
              <p className="muted">
                Showing the first {formatCount(MAX_REJECTION_ROWS)}; the CSV export contains all{' '}
                {formatCount(rejections.length)}.
              </p>
            ) : null}
          </div>
        )}
      </div>

      {heldBack.length > 0 ? (
        <div className="panel" data-testid="held-back">
          <div className="panel-head">
            <h3>Held back for review ({formatCount(heldBack.length)})</h3>
          </div>
          <p className="muted">
            Not stored: header de-identification cannot make these safe. They are listed in the
            Quarantine view without their names; the names below are shown only in this report.
          </p>
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">File</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {heldBack.slice(0, MAX_REJECTION_ROWS).map((r, i) => (
                  <tr key={i}>
                    <td className="mono cell-wrap">{label(r.file)}</td>
                    <td className="cell-wrap">{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
    </div>
  );
}
