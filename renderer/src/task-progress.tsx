// Progress of a training or scoring task: phase, a bar, Cancel; then failure or cancellation.
import { ErrorNotice } from './error-notice.tsx';
import { formatPercent } from './format.ts';
import type { TaskControl } from './use-task.ts';

export function TaskProgress({
  control,
  title,
  testId,
}: {
  control: TaskControl;
  /** What runs, e.g. "Scoring admissions". */
  title: string;
  testId: string;
}) {
  const { task, pending, error, running } = control;
  const notice = error ? <ErrorNotice error={error} title={`${title}: request failed`} /> : null;
  if (running) {
    const progress = task?.progress ?? 0;
    return (
      <>
        {notice}
        <div className="panel progress-panel" data-testid={testId} data-state="running">
          <div className="progress-overall">
            <div className="progress-overall-text" role="status" aria-live="polite">
              <strong>{title}</strong>
              <span data-testid={`${testId}-phase`}>
                {task ? `${task.phase} · ${formatPercent(progress, 1)}` : 'Starting…'}
              </span>
            </div>
            <progress
              className="bar"
              value={Math.min(1, Math.max(0, progress))}
              max={1}
              aria-label={`${title} progress`}
            />
            <button
              type="button"
              className="button button-danger"
              onClick={control.cancel}
              disabled={pending !== null || !task}
            >
              {pending === 'cancel' ? 'Cancelling…' : 'Cancel'}
            </button>
          </div>
        </div>
      </>
    );
  }
  if (task?.state === 'failed') {
    return (
      <div data-testid={testId} data-state="failed">
        {notice}
        <ErrorNotice
          error={task.error ?? { name: 'Error', code: 'task-failed', message: task.phase }}
          title={`${title} failed`}
        />
      </div>
    );
  }
  if (task?.state === 'cancelled') {
    return (
      <div className="notice notice-warn" role="status" data-testid={testId} data-state="cancelled">
        {title} was cancelled.
      </div>
    );
  }
  return notice;
}
