// Models: the registry (one active model, candidates waiting for a steward, retired ones),
// activation after reviewing the card's metrics, rollback, and training on this store.
import { useEffect, useState } from 'react';
import type { ApiError, ModelSummary, TrainingResult } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';
import { ModelCardPanel } from './model-card-panel.tsx';
import { ModelMetricsTable } from './model-metrics-table.tsx';
import { ModelsTable } from './models-table.tsx';
import { formatAuroc } from './risk-format.ts';
import { TrainingForm } from './training-form.tsx';

type Decision = { kind: 'activate'; model: ModelSummary } | { kind: 'rollback' };

export function ModelsView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  const [models, setModels] = useState<ModelSummary[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [revision, setRevision] = useState(0);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [decision, setDecision] = useState<Decision | null>(null);
  const [deciding, setDeciding] = useState<{ busy: boolean; error: ApiError | null }>({
    busy: false,
    error: null,
  });
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    if (!active) return;
    let live = true;
    engineClient.api.listModels().then(
      (result) => {
        if (!live) return;
        setModels(result.models);
        setError(null);
      },
      (e: unknown) => live && setError(asApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [active, dataVersion, revision]);

  const activeModel = models?.find((m) => m.stage === 'active') ?? null;
  const selected = models?.find((m) => m.id === selectedId) ?? null;
  const canRollBack = activeModel !== null && (models ?? []).some((m) => m.stage === 'retired');

  const open = (next: Decision) => {
    setDecision(next);
    setDeciding({ busy: false, error: null });
  };
  const confirm = () => {
    if (!decision) return;
    setDeciding({ busy: true, error: null });
    const call =
      decision.kind === 'activate'
        ? engineClient.api.activateModel({ modelId: decision.model.id })
        : engineClient.api.rollbackModel();
    call.then(
      (model) => {
        setDecision(null);
        setDeciding({ busy: false, error: null });
        setSelectedId(model.id);
        setNotice(
          `${model.name} v${model.version} is now the active model. Score the admissions again in the Risk view to use it.`,
        );
        setRevision((r) => r + 1);
      },
      (e: unknown) => setDeciding({ busy: false, error: asApiError(e) }),
    );
  };
  const onTrained = (result: TrainingResult) => {
    const { model, metrics, admissions } = result;
    setSelectedId(model.id);
    setNotice(
      `Trained ${model.name} v${model.version}: AUROC ${formatAuroc(metrics.model)} on ${formatCount(admissions.test)} held-out admissions ` +
        `(LACE ${formatAuroc(metrics.lace)}, HOSPITAL ${formatAuroc(metrics.hospital)}). It is a candidate until activated.`,
    );
    setRevision((r) => r + 1);
  };

  return (
    <div className="view" data-testid="models-view">
      <div className="view-heading">
        <h2 id="view-models-title">Models</h2>
        <div className="button-row">
          <p className="muted" data-testid="models-total">
            {models === null ? 'Loading…' : `${formatCount(models.length)} registered`}
          </p>
          <button
            type="button"
            className="button"
            disabled={!canRollBack}
            onClick={() => open({ kind: 'rollback' })}
          >
            Roll back
          </button>
        </div>
      </div>
      {error ? <ErrorNotice error={error} title="Could not load the registry" /> : null}
      {notice ? (
        <div className="notice notice-ok" role="status" data-testid="models-notice">
          {notice}
        </div>
      ) : null}
      {models && models.length === 0 ? (
        <p className="panel empty-state">No models registered yet. Train one below.</p>
      ) : null}
      {models && models.length > 0 ? (
        <ModelsTable
          models={models}
          selectedId={selectedId}
          onSelect={(m) => setSelectedId((id) => (id === m.id ? null : m.id))}
          onActivate={(model) => open({ kind: 'activate', model })}
        />
      ) : null}
      {selected ? <ModelCardPanel key={selected.id} model={selected} defaultOpen onEvaluated={() => setRevision((r) => r + 1)} /> : null}
      <TrainingForm onTrained={onTrained} />
      {decision?.kind === 'activate' ? (
        <ConfirmDialog
          title={`Activate ${decision.model.name} v${decision.model.version}?`}
          confirmLabel="Activate"
          busy={deciding.busy}
          error={deciding.error}
          onConfirm={confirm}
          onClose={() => setDecision(null)}
          testId="activate-dialog"
        >
          <p>
            It replaces {activeModel ? `${activeModel.name} v${activeModel.version}` : 'no model'}{' '}
            for new scores; the current model is retired and can be brought back with Roll back. The
            change is audited.
          </p>
          <p className="muted small">{decision.model.card.evaluation}</p>
          {decision.model.card.metrics ? (
            <ModelMetricsTable
              metrics={decision.model.card.metrics}
              testId="activate-metrics-table"
            />
          ) : (
            <p className="notice notice-warn">This model has no recorded metrics.</p>
          )}
          <p className="small">
            <strong>Intended use:</strong> {decision.model.card.intendedUse}
          </p>
        </ConfirmDialog>
      ) : null}
      {decision?.kind === 'rollback' ? (
        <ConfirmDialog
          title="Roll back to the previous model?"
          confirmLabel="Roll back"
          busy={deciding.busy}
          error={deciding.error}
          onConfirm={confirm}
          onClose={() => setDecision(null)}
          testId="rollback-dialog"
        >
          <p>
            Re-activates the model that was active before{' '}
            {activeModel ? `${activeModel.name} v${activeModel.version}` : 'the current one'}, which
            is retired. The change is audited.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}
