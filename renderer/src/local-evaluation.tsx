// A model's metrics on this store's own admissions: what a steward checks before activating a
// candidate (e.g. one the consortium sent), measured in a worker on request.
import type { ModelSummary } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { formatWhen } from './consortium-format.ts';
import { ModelMetricsTable } from './model-metrics-table.tsx';
import { TaskProgress } from './task-progress.tsx';
import { useTask } from './use-task.ts';

export function LocalEvaluation({ model, onEvaluated }: { model: ModelSummary; onEvaluated?(): void }) {
  const evaluation = useTask((task) => {
    if (task.state === 'done') onEvaluated?.();
  });
  const local = model.localEvaluation;
  return (
    <section data-testid="local-evaluation">
      <h4>On this store</h4>
      {local ? (
        <>
          <p className="muted small">
            {local.admissions.toLocaleString('en-US')} index admissions of this store, measured {formatWhen(local.evaluatedAt)}.
          </p>
          <ModelMetricsTable metrics={local.metrics} testId="local-metrics-table" />
        </>
      ) : (
        <p className="muted">Not yet measured on this store&rsquo;s admissions.</p>
      )}
      <TaskProgress control={evaluation} title="Evaluating on this store" testId="evaluation-progress" />
      {!evaluation.running ? (
        <button type="button" className="button" onClick={() => evaluation.start(() => engineClient.api.evaluateModel({ modelId: model.id }))} data-testid="evaluate-model">
          {local ? 'Measure again' : 'Evaluate on this store'}
        </button>
      ) : null}
    </section>
  );
}
