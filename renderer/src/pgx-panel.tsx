// A patient's pharmacogenomics: drug-gene alerts first (highlighted), then one row per gene with its
// diplotype, CPIC phenotype and call status. Alert texts come from the bundled CPIC rule table.
import type { PgxDrugAlert, PgxGeneResult } from '../../main/api/contract.ts';

const STATUS_LABEL: Record<PgxGeneResult['status'], string> = {
  called: 'called',
  ambiguous: 'ambiguous',
  indeterminate: 'no call',
  'not-callable': 'not callable from VCF',
};

function callText(r: PgxGeneResult): string {
  if (r.diplotype) return r.diplotype;
  if (r.candidates.length > 0) return r.candidates.join(' or ');
  return '—';
}

export function PgxPanel({ results, alerts }: { results: PgxGeneResult[]; alerts: PgxDrugAlert[] }) {
  return (
    <section className="pgx-panel" aria-labelledby="pgx-panel-title" data-testid="pgx-panel">
      <h4 id="pgx-panel-title">Pharmacogenomics</h4>
      {alerts.map((a) => (
        <div key={`${a.ruleId}-${a.drug}`} className={`pgx-alert pgx-alert-${a.severity}`} data-testid="pgx-alert">
          <strong>
            {a.drug} · {a.gene} {a.phenotype}
          </strong>
          <p>{a.recommendation}</p>
          <p className="muted small">{a.guideline}</p>
        </div>
      ))}
      <table className="data-table" data-testid="pgx-table">
        <thead>
          <tr>
            <th scope="col">Gene</th>
            <th scope="col">Diplotype</th>
            <th scope="col">Phenotype</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {results.map((r) => (
            <tr key={r.gene} data-testid="pgx-row" data-gene={r.gene}>
              <td>{r.gene}</td>
              <td className="mono">{callText(r)}</td>
              <td>{r.phenotype ?? '—'}</td>
              <td className="small" title={r.missingPositions > 0 ? `${r.missingPositions} defining positions missing from the VCF` : undefined}>
                <span className={`pill pgx-status-${r.status}`}>{STATUS_LABEL[r.status]}</span>
                {r.missingPositions > 0 && r.status !== 'not-callable' ? <span className="muted"> · {r.missingPositions} missing</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
