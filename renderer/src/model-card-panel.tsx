// A model's card (Mitchell et al. 2019, "Model Cards for Model Reporting"): intended use,
// evaluation, training data, features, limitations and how predictions are explained. Collapsible.
import type { ModelSummary } from '../../main/api/contract.ts';
import { formatBytes } from './format.ts';
import { LocalEvaluation } from './local-evaluation.tsx';
import { ModelMetricsTable } from './model-metrics-table.tsx';
import { formatDateTime, humaniseFeature, SOURCE_LABELS } from './risk-format.ts';
import { StageBadge } from './stage-badge.tsx';

export function ModelCardPanel({
  model,
  defaultOpen = false,
  title = 'Model card',
  onEvaluated,
}: {
  model: ModelSummary;
  defaultOpen?: boolean;
  title?: string;
  /** Given where the steward decides (the Models view): offers measuring the model on this store. */
  onEvaluated?: () => void;
}) {
  const { card } = model;
  return (
    <details
      className="panel model-card"
      open={defaultOpen}
      data-testid="model-card"
      data-model-id={model.id}
    >
      <summary className="model-card-summary">
        <h3>{title}</h3>
        <span>
          {card.name} <span className="muted">v{card.version}</span>
        </span>
        <span className="pill">{card.kind}</span>
        <StageBadge stage={model.stage} />
      </summary>
      <div className="model-card-body">
        <dl className="detail-facts model-card-facts">
          <div>
            <dt>Source</dt>
            <dd>{SOURCE_LABELS[model.source]}</dd>
          </div>
          <div>
            <dt>Registered</dt>
            <dd>{formatDateTime(model.registeredAt)}</dd>
          </div>
          <div>
            <dt>Activated</dt>
            <dd>{formatDateTime(model.activatedAt)}</dd>
          </div>
          <div>
            <dt>Feature set</dt>
            <dd>
              {card.featureSet.name} v{card.featureSet.version}
            </dd>
          </div>
          <div>
            <dt>Size</dt>
            <dd>{formatBytes(model.sizeBytes)}</dd>
          </div>
          <div>
            <dt>SHA-256</dt>
            <dd className="mono" title={model.id}>
              {model.id.slice(0, 16)}…
            </dd>
          </div>
        </dl>
        <section>
          <h4>Intended use</h4>
          <p>{card.intendedUse}</p>
        </section>
        <section>
          <h4>Evaluation</h4>
          <p>{card.evaluation}</p>
          {card.metrics ? (
            <ModelMetricsTable metrics={card.metrics} testId="card-metrics-table" />
          ) : (
            <p className="muted">No metrics were recorded with this model.</p>
          )}
        </section>
        {onEvaluated ? <LocalEvaluation model={model} onEvaluated={onEvaluated} /> : null}
        <section>
          <h4>Training data</h4>
          <p>{card.trainingData}</p>
        </section>
        <section>
          <h4>Features ({card.features.length})</h4>
          <table className="data-table model-card-features">
            <tbody>
              {card.features.map((f) => (
                <tr key={f.name}>
                  <th scope="row">
                    {humaniseFeature(f.name)}
                    <div className="mono muted small">{f.name}</div>
                  </th>
                  <td>{f.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <section>
          <h4>Limitations</h4>
          {card.limitations.length > 0 ? (
            <ul className="model-card-list">
              {card.limitations.map((l) => (
                <li key={l}>{l}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None stated.</p>
          )}
        </section>
        <section>
          <h4>Explanation method</h4>
          <p>{card.explanation}</p>
        </section>
      </div>
    </details>
  );
}
