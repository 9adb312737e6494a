// The model registry as a table: provenance, stage, and held-out metrics of each model next to
// LACE and HOSPITAL on the same admissions. A row opens its card; candidates can be activated.
import type { ModelSummary, ScoreMetrics } from '../../main/api/contract.ts';
import { formatAuroc, formatDateTime, formatMetric, SOURCE_LABELS } from './risk-format.ts';
import { StageBadge } from './stage-badge.tsx';

const auroc = (m: ScoreMetrics | undefined) => (m ? formatAuroc(m) : '—');

export function ModelsTable({
  models,
  selectedId,
  onSelect,
  onActivate,
}: {
  models: ModelSummary[];
  selectedId: string | null;
  onSelect(model: ModelSummary): void;
  onActivate(model: ModelSummary): void;
}) {
  return (
    <div className="table-scroll table-scroll-tall">
      <table className="data-table models-table" data-testid="models-table">
        <thead>
          <tr>
            <th scope="col">Name and version</th>
            <th scope="col">Kind</th>
            <th scope="col">Source</th>
            <th scope="col">Stage</th>
            <th scope="col">Registered</th>
            <th scope="col">Activated</th>
            <th scope="col" className="num">
              AUROC (95% CI)
            </th>
            <th scope="col" className="num">
              Brier
            </th>
            <th scope="col" className="num">
              LACE AUROC
            </th>
            <th scope="col" className="num">
              HOSPITAL AUROC
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => {
            const metrics = m.card.metrics;
            const selected = m.id === selectedId;
            return (
              <tr
                key={m.id}
                className={`models-row${selected ? ' models-row-selected' : ''}`}
                aria-selected={selected}
                tabIndex={0}
                onClick={() => onSelect(m)}
                onKeyDown={(e) => {
                  if (e.target === e.currentTarget && (e.key === 'Enter' || e.key === ' ')) {
                    e.preventDefault();
                    onSelect(m);
                  }
                }}
                data-testid="model-row"
                data-stage={m.stage}
                data-model-id={m.id}
              >
                <td>
                  <span className="models-name">{m.name}</span>
                  <span className="mono muted models-version">v{m.version}</span>
                </td>
                <td>{m.kind}</td>
                <td>{SOURCE_LABELS[m.source]}</td>
                <td>
                  <StageBadge stage={m.stage} />
                </td>
                <td className="nowrap">{formatDateTime(m.registeredAt, 'short')}</td>
                <td className="nowrap">{formatDateTime(m.activatedAt, 'short')}</td>
                <td className="num nowrap" data-testid="model-auroc">
                  {auroc(metrics?.model)}
                </td>
                <td className="num">{metrics ? formatMetric(metrics.model.brier) : '—'}</td>
                <td className="num nowrap">{auroc(metrics?.lace)}</td>
                <td className="num nowrap">{auroc(metrics?.hospital)}</td>
                <td>
                  {m.stage !== 'active' ? (
                    <button
                      type="button"
                      className="button"
                      aria-label={`Activate ${m.name} v${m.version}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        onActivate(m);
                      }}
                    >
                      Activate
                    </button>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
