// Genomics: the distribution of PGx phenotypes per gene across patients, and every de-identified VCF
// sample with its variant summary. Only pseudonyms and counts are shown; nothing identifies a sample.
import { useEffect, useState } from 'react';
import type { ApiError, GenomicSamplePage, PgxSummary } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';
import { PgxPhenotypeChart } from './pgx-phenotype-chart.tsx';

const PAGE_SIZE = 100;
const ratio = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

function orDash(value: number | null, format: Intl.NumberFormat): string {
  return value === null ? '—' : format.format(value);
}

export function GenomicsView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  const [offset, setOffset] = useState(0);
  const [summary, setSummary] = useState<PgxSummary | null>(null);
  const [page, setPage] = useState<GenomicSamplePage | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    if (!active) return;
    let live = true;
    Promise.all([engineClient.api.getPgxSummary(), engineClient.api.listGenomicSamples({ offset, limit: PAGE_SIZE })]).then(
      ([s, p]) => {
        if (!live) return;
        setSummary(s);
        setPage(p);
        setError(null);
      },
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [active, offset, dataVersion]);

  return (
    <div className="view" data-testid="genomics-view">
      <div className="view-heading">
        <h2 id="view-genomics-title">Genomics</h2>
        <p className="muted" data-testid="genomic-sample-total">
          {page === null ? 'Loading…' : `${formatCount(page.total)} VCF ${page.total === 1 ? 'sample' : 'samples'}`}
        </p>
      </div>
      {error ? <ErrorNotice error={error} title="Could not load genomic data" /> : null}
      <section className="panel" aria-labelledby="pgx-distribution-title">
        <div className="panel-head">
          <h3 id="pgx-distribution-title">Pharmacogenomic phenotypes per gene</h3>
          <p className="muted small">Patients per CPIC phenotype; one call per patient and gene.</p>
        </div>
        {summary && summary.genes.length > 0 ? (
          <PgxPhenotypeChart summary={summary} />
        ) : (
          <p className="empty-state">No PGx results yet. Import a GRCh38 VCF to call CYP2C19, CYP2C9, DPYD and more.</p>
        )}
      </section>
      <section className="panel" aria-labelledby="genomic-samples-title">
        <div className="panel-head">
          <h3 id="genomic-samples-title">VCF samples</h3>
          <p className="muted small">Definitions as in bcftools stats (per-sample counts).</p>
        </div>
        {page && page.samples.length > 0 ? (
          <div className="table-scroll table-scroll-tall">
            <table className="data-table" data-testid="genomic-samples">
              <thead>
                <tr>
                  <th scope="col">Patient</th>
                  <th scope="col">Build</th>
                  <th scope="col" className="num">Records</th>
                  <th scope="col" className="num">SNVs</th>
                  <th scope="col" className="num">Indels</th>
                  <th scope="col" className="num">Multi-allelic</th>
                  <th scope="col" className="num">Ti/Tv</th>
                  <th scope="col" className="num">Het/hom</th>
                  <th scope="col" className="num">Call rate</th>
                  <th scope="col" className="num">Genes called</th>
                  <th scope="col" className="num">Batch</th>
                </tr>
              </thead>
              <tbody>
                {page.samples.map((s) => (
                  <tr key={s.sampleKey} data-testid="genomic-sample-row">
                    <td className="mono" title={s.pseudonym}>{s.pseudonym.slice(0, 16)}</td>
                    <td>{s.genomeBuild}</td>
                    <td className="num">{formatCount(s.records)}</td>
                    <td className="num">{formatCount(s.snvs)}</td>
                    <td className="num">{formatCount(s.indels)}</td>
                    <td className="num">{formatCount(s.multiAllelic)}</td>
                    <td className="num">{orDash(s.tiTv, ratio)}</td>
                    <td className="num">{orDash(s.hetHomRatio, ratio)}</td>
                    <td className="num">{orDash(s.callRate, percent)}</td>
                    <td className="num">{formatCount(s.genesCalled)}</td>
                    <td className="num">{s.batchId}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty-state">{page === null ? 'Loading…' : 'No VCF samples imported.'}</p>
        )}
        {page && page.total > PAGE_SIZE ? (
          <div className="button-row">
            <button type="button" className="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}>
              Previous
            </button>
            <span className="muted small">
              {formatCount(offset + 1)}–{formatCount(Math.min(page.total, offset + PAGE_SIZE))} of {formatCount(page.total)}
            </span>
            <button type="button" className="button" disabled={offset + PAGE_SIZE >= page.total} onClick={() => setOffset(offset + PAGE_SIZE)}>
              Next
            </button>
          </div>
        ) : null}
      </section>
    </div>
  );
}
