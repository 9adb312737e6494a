// Training and scoring tasks on the main thread's side: start a worker, relay its progress as
// task events, cancel it, and hand the result to the engine (register a trained model, audit a run).
import { randomUUID } from 'node:crypto';
import type { ApiError, ModelMetrics, RiskLevel, RiskThresholds, TaskKind, TaskState, TrainingOptions } from '../api/contract.ts';
import { startWorker } from '../util/worker-entry.ts';
import type { TrainedReadmissionModel } from './readmission-training.ts';

/** What a readmission worker is asked to do. */
export type ReadmissionWorkerRequest = { databaseFile: string; now: string; institution: string } & (
  | { task: 'train'; options: TrainingOptions }
  | { task: 'score'; modelId: string; onnx: Uint8Array; thresholds: RiskThresholds }
  | { task: 'evaluate'; modelId: string; onnx: Uint8Array; thresholds: RiskThresholds }
);

/** What a readmission worker reports. */
export type ReadmissionWorkerMessage =
  | { type: 'progress'; phase: string; fraction: number }
  | { type: 'trained'; trained: TrainedReadmissionModel }
  | { type: 'scored'; runId: number; admissions: number; levels: Record<RiskLevel, number>; seconds: number }
  | { type: 'evaluated'; admissions: number; metrics: ModelMetrics | null }
  | { type: 'failed'; error: ApiError };

/** The engine's side of a finished worker: turns its message into the task result. */
export type ReadmissionTaskCompletion = (message: Extract<ReadmissionWorkerMessage, { type: 'trained' | 'scored' | 'evaluated' }>) => TaskState['result'];

interface RunningTask {
  state: TaskState;
  cancel: () => void;
  done: Promise<TaskState>;
}

export class ReadmissionTasks {
  private readonly tasks = new Map<string, RunningTask>();

  constructor(private readonly emit: (type: 'task.progress' | 'task.finished', task: TaskState) => void) {}

  /** One training or scoring task at a time: they compete for the same two cores. */
  busy(): boolean {
    return [...this.tasks.values()].some((t) => t.state.state === 'running');
  }

  start(kind: TaskKind, request: ReadmissionWorkerRequest, complete: ReadmissionTaskCompletion): string {
    const taskId = randomUUID();
    const state: TaskState = { taskId, kind, state: 'running', phase: 'starting', progress: 0, startedAt: new Date().toISOString(), finishedAt: null };
    const worker = startWorker('readmission-worker', import.meta.url, { workerData: request });
    let lastEmit = 0;
    const done = new Promise<TaskState>((resolve) => {
      const finish = (patch: Partial<TaskState>) => {
        if (state.state !== 'running') return;
        Object.assign(state, patch, { finishedAt: new Date().toISOString() });
        this.emit('task.finished', { ...state });
        resolve({ ...state });
      };
      worker.on('message', (message: ReadmissionWorkerMessage) => {
        if (message.type === 'progress') {
          state.phase = message.phase;
          state.progress = message.fraction;
          const now = Date.now();
          if (now - lastEmit > 100) {
            lastEmit = now;
            this.emit('task.progress', { ...state });
          }
        } else if (message.type === 'failed') {
          finish(message.error.code === 'cancelled' ? { state: 'cancelled', phase: 'cancelled' } : { state: 'failed', phase: 'failed', error: message.error });
        } else {
          try {
            finish({ state: 'done', phase: 'done', progress: 1, result: complete(message) });
          } catch (error) {
            const e = error as Error & { code?: string };
            finish({ state: 'failed', phase: 'failed', error: { name: e.name, code: e.code ?? 'internal', message: e.message } });
          }
        }
      });
      worker.on('error', (error) => finish({ state: 'failed', phase: 'failed', error: { name: 'InternalError', code: 'internal', message: error.message } }));
      worker.on('exit', () => finish(cancelled ? { state: 'cancelled', phase: 'cancelled' } : { state: 'failed', phase: 'failed', error: { name: 'InternalError', code: 'worker-exit', message: 'The worker stopped unexpectedly.' } }));
    });
    let cancelled = false;
    const cancel = () => {
      cancelled = true;
      worker.postMessage({ type: 'cancel' });
      // Training has no cancellation points inside the fit; a hard stop loses nothing (it writes nothing).
      setTimeout(() => void worker.terminate(), 2000).unref();
    };
    this.tasks.set(taskId, { state, cancel, done });
    this.emit('task.progress', { ...state });
    return taskId;
  }

  get(taskId: string): TaskState | null {
    const task = this.tasks.get(taskId);
    return task ? { ...task.state } : null;
  }

  cancel(taskId: string): boolean {
    const task = this.tasks.get(taskId);
    if (!task || task.state.state !== 'running') return false;
    task.cancel();
    return true;
  }

  wait(taskId: string): Promise<TaskState> {
    const task = this.tasks.get(taskId);
    if (!task) return Promise.reject(new Error(`No task ${taskId}`));
    return task.done;
  }

  async cancelAll(): Promise<void> {
    for (const task of this.tasks.values()) if (task.state.state === 'running') task.cancel();
    await Promise.all([...this.tasks.values()].map((t) => t.done));
  }
}
