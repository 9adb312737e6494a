// Risk: 30-day readmission risk of every index admission from the latest scoring run, how the
// active model compares with LACE and HOSPITAL on this store, and the model's card.
import { useState } from 'react';
import type { ModelSummary, RiskSummary } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { ErrorNotice } from './error-notice.tsx';
import { formatCount } from './format.ts';
import { ModelCardPanel } from './model-card-panel.tsx';
import { RiskCharts } from './risk-charts.tsx';
import { formatDateTime } from './risk-format.ts';
import { RiskTable } from './risk-table.tsx';
import { TaskProgress } from './task-progress.tsx';
import { ThresholdEditor } from './threshold-editor.tsx';
import { useRiskData } from './use-risk-data.ts';
import { useTask } from './use-task.ts';

type ScoringRun = NonNullable<RiskSummary['run']>;

function RunFacts({
  run,
  activeModel,
}: {
  run: ScoringRun | null;
  activeModel: ModelSummary | null;
}) {
  return (
    <dl className="risk-facts" data-testid="risk-run">
      <div className="fact">
        <dt>Active model</dt>
        <dd data-testid="risk-active-model">
          {activeModel ? `${activeModel.name} v${activeModel.version}` : 'None'}
        </dd>
      </div>
      <div className="fact">
        <dt>Scored</dt>
        <dd>{run ? formatDateTime(run.scoredAt) : 'Never'}</dd>
      </div>
      <div className="fact">
        <dt>Admissions</dt>
        <dd data-testid="risk-admissions">{run ? formatCount(run.admissions) : '–'}</dd>
      </div>
    </dl>
  );
}

function RunNotices({
  run,
  activeModel,
  loaded,
}: {
  run: ScoringRun | null;
  activeModel: ModelSummary | null;
  loaded: boolean;
}) {
  if (!loaded) return <p className="muted">Loading…</p>;
  if (!activeModel && !run) {
    return (
      <div className="panel empty-state" data-testid="risk-empty" data-reason="no-model">
        <strong>No model is active.</strong> Train a model or activate one in the Models view, then
        score the admissions here.
      </div>
    );
  }
  if (!run) {
    return (
      <div className="panel empty-state" data-testid="risk-empty" data-reason="not-scored">
        <strong>Nothing scored yet.</strong> Use “Score admissions” to predict the 30-day
        readmission risk of every index admission with {activeModel?.name} v{activeModel?.version}.
      </div>
    );
  }
  if (activeModel && run.modelId !== activeModel.id) {
    return (
      <div className="notice notice-warn" role="status">
        These scores come from {run.modelName} v{run.modelVersion}; the active model is now{' '}
        {activeModel.name} v{activeModel.version}. Score again to use it.
      </div>
    );
  }
  if (!activeModel) {
    return (
      <div className="notice notice-warn" role="status">
        No model is active now; these are the last scores, from {run.modelName} v{run.modelVersion}.
      </div>
    );
  }
  return null;
}

export function RiskView({ active, dataVersion }: { active: boolean; dataVersion: number }) {
  // Bumped when a scoring run finishes or the thresholds change.
  const [revision, setRevision] = useState(0);
  const data = useRiskData(active, `${dataVersion}:${revision}`);
  const scoring = useTask((task) => {
    if (task.state === 'done') setRevision((r) => r + 1);
  });
  const { summary, activeModel } = data;
  const run = summary?.run ?? null;

  return (
    <div className="view" data-testid="risk-view">
      <div className="view-heading">
        <h2 id="view-risk-title">Readmission risk</h2>
        <RunFacts run={run} activeModel={activeModel} />
      </div>
      {data.error ? (
        <ErrorNotice error={data.error} title="Could not load the risk scores" />
      ) : null}
      <div className="risk-toolbar">
        <button
          type="button"
          className="button button-primary"
          disabled={!activeModel || scoring.running}
          onClick={() => scoring.start(() => engineClient.api.startScoring())}
          title={activeModel ? undefined : 'Activate a model first (Models view).'}
        >
          Score admissions
        </button>
        {summary ? (
          <ThresholdEditor
            key={`${summary.thresholds.moderate}:${summary.thresholds.high}`}
            thresholds={summary.thresholds}
            onSaved={() => setRevision((r) => r + 1)}
          />
        ) : null}
      </div>
      <TaskProgress control={scoring} title="Scoring admissions" testId="scoring-progress" />
      <RunNotices run={run} activeModel={activeModel} loaded={data.loaded} />
      {summary && run ? (
        <>
          <RiskCharts summary={summary} />
          <RiskTable
            active={active}
            version={`${run.id}:${dataVersion}:${revision}`}
            thresholds={summary.thresholds}
            levels={summary.levels}
          />
        </>
      ) : null}
      {activeModel ? <ModelCardPanel model={activeModel} title="Active model card" /> : null}
    </div>
  );
}
