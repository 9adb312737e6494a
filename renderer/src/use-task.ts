// Follows one long engine task (training, scoring) from start to end: live `task.*` events,
// getTask polling while the event stream is silent, and cancellation.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, TaskState } from '../../main/api/contract.ts';
import { asApiError, engineClient } from './api-client.ts';

// Without live events for this long, the hook asks the engine itself.
const POLL_AFTER_SILENCE_MS = 1500;
// Events of tasks not (yet) ours are kept briefly: a fast task may finish before its start
// call returns its id.
const EARLY_EVENTS_KEPT = 16;

/** The task started through this hook, as the view needs it. */
export interface TaskControl {
  /** Last known state of the task; null before it reports (or before any start). */
  task: TaskState | null;
  /** A start or cancel request is on its way. */
  pending: 'start' | 'cancel' | null;
  /** Why the task could not be started or cancelled. */
  error: ApiError | null;
  /** Started and not yet done, failed or cancelled. */
  running: boolean;
  start(begin: () => Promise<{ taskId: string }>): void;
  cancel(): void;
}

interface Tracked {
  taskId: string | null;
  task: TaskState | null;
  pending: TaskControl['pending'];
  error: ApiError | null;
}

export function useTask(onFinished: (task: TaskState) => void): TaskControl {
  const [tracked, setTracked] = useState<Tracked>({
    taskId: null,
    task: null,
    pending: null,
    error: null,
  });
  const taskIdRef = useRef<string | null>(null);
  const reportedRef = useRef<string | null>(null);
  const earlyRef = useRef(new Map<string, TaskState>());
  const lastEventAt = useRef(0);
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  const apply = useCallback((task: TaskState) => {
    if (task.taskId !== taskIdRef.current) return;
    setTracked((t) => {
      // A late poll answer must not bring a finished task back to life.
      if (t.taskId !== task.taskId || (t.task && t.task.state !== 'running')) return t;
      return { ...t, task, pending: task.state === 'running' ? t.pending : null };
    });
    if (task.state !== 'running' && reportedRef.current !== task.taskId) {
      reportedRef.current = task.taskId;
      onFinishedRef.current(task);
    }
  }, []);

  useEffect(
    () =>
      engineClient.onEvent((event) => {
        if (event.type !== 'task.progress' && event.type !== 'task.finished') return;
        lastEventAt.current = Date.now();
        if (event.task.taskId === taskIdRef.current) {
          apply(event.task);
          return;
        }
        const early = earlyRef.current;
        early.delete(event.task.taskId);
        early.set(event.task.taskId, event.task);
        if (early.size > EARLY_EVENTS_KEPT) early.delete(early.keys().next().value!);
      }),
    [apply],
  );

  const { taskId, task } = tracked;
  const pollId = taskId && (!task || task.state === 'running') ? taskId : null;
  useEffect(() => {
    if (!pollId) return;
    const timer = setInterval(() => {
      if (
        engineClient.eventsConnected() &&
        Date.now() - lastEventAt.current < POLL_AFTER_SILENCE_MS
      )
        return;
      engineClient.api.getTask({ taskId: pollId }).then(
        (state) => {
          if (state) apply(state);
        },
        () => undefined,
      );
    }, POLL_AFTER_SILENCE_MS);
    return () => clearInterval(timer);
  }, [pollId, apply]);

  const start = useCallback(
    (begin: () => Promise<{ taskId: string }>) => {
      setTracked((t) => ({ ...t, pending: 'start', error: null }));
      begin().then(
        ({ taskId: id }) => {
          taskIdRef.current = id;
          lastEventAt.current = 0;
          setTracked({ taskId: id, task: null, pending: null, error: null });
          const early = earlyRef.current.get(id);
          if (early) apply(early);
        },
        (error: unknown) => setTracked((t) => ({ ...t, pending: null, error: asApiError(error) })),
      );
    },
    [apply],
  );

  const cancel = useCallback(() => {
    const id = taskIdRef.current;
    if (!id) return;
    setTracked((t) => ({ ...t, pending: 'cancel', error: null }));
    engineClient.api
      .cancelTask({ taskId: id })
      .catch((error: unknown) =>
        setTracked((t) => ({ ...t, pending: null, error: asApiError(error) })),
      );
  }, []);

  return {
    task,
    pending: tracked.pending,
    error: tracked.error,
    running: tracked.pending === 'start' || pollId !== null,
    start,
    cancel,
  };
}
