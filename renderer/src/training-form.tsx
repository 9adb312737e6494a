// "Train a model" on this store: model kind and training options (bounds as in the contract's
// startTraining schema), then live progress with Cancel. The result is a registry candidate.
import { useState, type FormEvent } from 'react';
import type { TrainingOptions, TrainingResult } from '../../main/api/contract.ts';
import { engineClient } from './api-client.ts';
import { TaskProgress } from './task-progress.tsx';
import { useTask } from './use-task.ts';

interface TrainingFields {
  kind: 'logistic' | 'mlp';
  /** Percent held out for evaluation. */
  testPercent: string;
  seed: string;
  l2: string;
  classWeight: 'none' | 'balanced';
}

const DEFAULTS: TrainingFields = {
  kind: 'logistic',
  testPercent: '30',
  seed: '42',
  l2: '1',
  classWeight: 'balanced', // the engine's default (DEFAULT_TRAINING), so the form and `dataspace train` agree
};

/** Training options from the form, or the reason they are not valid. */
export function parseTrainingFields(f: TrainingFields): TrainingOptions | string {
  const test = Number(f.testPercent);
  const seed = Number(f.seed);
  const l2 = Number(f.l2);
  if (f.testPercent.trim() === '' || !Number.isFinite(test) || test < 10 || test > 50) {
    return 'The held-out share must be between 10% and 50%.';
  }
  if (f.seed.trim() === '' || !Number.isInteger(seed) || seed < 0 || seed > 2 ** 31) {
    return `The seed must be a whole number from 0 to ${2 ** 31}.`;
  }
  if (f.l2.trim() === '' || !Number.isFinite(l2) || l2 < 0 || l2 > 1000)
    return 'The L2 penalty must be between 0 and 1000.';
  return { kind: f.kind, testFraction: test / 100, seed, l2, classWeight: f.classWeight };
}

export function TrainingForm({ onTrained }: { onTrained(result: TrainingResult): void }) {
  const [fields, setFields] = useState<TrainingFields>(DEFAULTS);
  const training = useTask((task) => {
    if (task.state === 'done' && task.result?.type === 'train') onTrained(task.result);
  });
  const parsed = parseTrainingFields(fields);
  const invalid = typeof parsed === 'string';
  const set = <K extends keyof TrainingFields>(key: K, value: TrainingFields[K]) =>
    setFields((f) => ({ ...f, [key]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!invalid) training.start(() => engineClient.api.startTraining(parsed));
  };

  return (
    <section className="panel" aria-labelledby="training-title">
      <h3 id="training-title">Train a model</h3>
      <p className="muted small">
        Trains on this store&rsquo;s index admissions in a worker, evaluates on a held-out share,
        and registers the result as a candidate. Nothing leaves this machine.
      </p>
      <form className="training-form" onSubmit={submit} data-testid="training-form">
        <label>
          Kind
          <select
            className="input"
            value={fields.kind}
            onChange={(e) => set('kind', e.target.value as TrainingFields['kind'])}
          >
            <option value="logistic">Logistic regression</option>
            <option value="mlp">Neural network (MLP)</option>
          </select>
        </label>
        <label>
          Held-out share (%)
          <input
            className="input input-narrow"
            inputMode="decimal"
            value={fields.testPercent}
            onChange={(e) => set('testPercent', e.target.value)}
          />
        </label>
        <label>
          Seed
          <input
            className="input input-narrow"
            inputMode="numeric"
            value={fields.seed}
            onChange={(e) => set('seed', e.target.value)}
          />
        </label>
        <label>
          L2 penalty
          <input
            className="input input-narrow"
            inputMode="decimal"
            value={fields.l2}
            onChange={(e) => set('l2', e.target.value)}
          />
        </label>
        <label>
          Class weight
          <select
            className="input"
            value={fields.classWeight}
            onChange={(e) => set('classWeight', e.target.value as TrainingFields['classWeight'])}
          >
            <option value="none">None</option>
            <option value="balanced">Balanced</option>
          </select>
        </label>
        <button
          type="submit"
          className="button button-primary"
          disabled={invalid || training.running}
        >
          Train
        </button>
      </form>
      {invalid ? (
        <p className="field-error" role="alert">
          {parsed}
        </p>
      ) : null}
      <TaskProgress control={training} title="Training" testId="training-progress" />
    </section>
  );
}
