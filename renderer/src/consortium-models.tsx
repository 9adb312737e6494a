// Models the consortium published: each arrives signed and registers as a candidate; a steward
// activates it in the Models view after reading its card.
import type { ModelSummary } from '../../main/api/contract.ts';
import { formatWhen, shortHash } from './consortium-format.ts';
import { formatBytes } from './format.ts';
import { StageBadge } from './stage-badge.tsx';

export function ConsortiumModels({ models, onOpenModels }: { models: ModelSummary[] | null; onOpenModels(): void }) {
  const fromConsortium = (models ?? []).filter((m) => m.source === 'consortium');
  return (
    <section className="panel" aria-labelledby="consortium-models-title" data-testid="consortium-models">
      <div className="panel-head">
        <h3 id="consortium-models-title">Models from the consortium</h3>
        <button type="button" className="button" onClick={onOpenModels} data-testid="consortium-open-models">
          Review and activate in Models
        </button>
      </div>
      <p className="muted small">
        Downloaded models are checked against the consortium CA&rsquo;s signature and registered as candidates. None is used
        for scoring until a steward activates it in the Models view.
      </p>
      {fromConsortium.length > 0 ? (
        <div className="table-scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Version</th>
                <th scope="col">Kind</th>
                <th scope="col">Stage</th>
                <th scope="col">Registered</th>
                <th scope="col" className="num">Size</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {fromConsortium.map((m) => (
                <tr key={m.id} data-testid="consortium-model-row" data-stage={m.stage}>
                  <td>{m.name}</td>
                  <td>{m.version}</td>
                  <td>{m.kind}</td>
                  <td>
                    <StageBadge stage={m.stage} />
                  </td>
                  <td className="nowrap">{formatWhen(m.registeredAt)}</td>
                  <td className="num">{formatBytes(m.sizeBytes)}</td>
                  <td className="mono" title={m.id}>
                    {shortHash(m.id)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="empty-state">{models === null ? 'Loading…' : 'No models received from the consortium yet.'}</p>
      )}
    </section>
  );
}
