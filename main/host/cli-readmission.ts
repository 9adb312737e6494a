// `dataspace train`, `dataspace score` and `dataspace models`: the readmission models on the
// command line. Training and scoring run in a worker with progress on stderr; Ctrl-C cancels.
import type { ModelSummary, ScoreMetrics, TaskState, TrainingOptions } from '../api/contract.ts';
import type { Engine } from '../engine.ts';
import { InvalidInputError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

/** Options of `dataspace train` as parsed by the CLI. */
export interface TrainCliOptions {
  kind?: string;
  'test-fraction'?: string;
  seed?: string;
  l2?: string;
  'class-weight'?: string;
}

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidInputError(`--${name} must be a number.`, 'invalid-option');
  return n;
}

export function trainingOptions(values: TrainCliOptions): TrainingOptions {
  const kind = values.kind;
  if (kind !== undefined && kind !== 'logistic' && kind !== 'mlp') throw new InvalidInputError('--kind must be logistic or mlp.', 'invalid-option');
  const classWeight = values['class-weight'];
  if (classWeight !== undefined && classWeight !== 'none' && classWeight !== 'balanced') throw new InvalidInputError('--class-weight must be none or balanced.', 'invalid-option');
  const options: TrainingOptions = {};
  if (kind) options.kind = kind;
  if (classWeight) options.classWeight = classWeight;
  const testFraction = numberOption(values['test-fraction'], 'test-fraction');
  const seed = numberOption(values.seed, 'seed');
  const l2 = numberOption(values.l2, 'l2');
  if (testFraction !== undefined) options.testFraction = testFraction;
  if (seed !== undefined) options.seed = seed;
  if (l2 !== undefined) options.l2 = l2;
  return options;
}

async function runTask(engine: Engine, taskId: string, json: boolean): Promise<TaskState> {
  const interactive = !json && process.stderr.isTTY;
  const off = engine.onEvent((event) => {
    if (interactive && event.type === 'task.progress' && event.task.taskId === taskId) {
      process.stderr.write(`\r${Math.round(event.task.progress * 100)}%  ${event.task.phase}            `);
    }
  });
  const onSignal = () => void engine.cancelTask({ taskId });
  process.once('SIGINT', onSignal);
  try {
    const task = await engine.waitForTask(taskId);
    if (interactive) process.stderr.write('\n');
    return task;
  } finally {
    off();
    process.removeListener('SIGINT', onSignal);
  }
}

const ci = (m: ScoreMetrics) =>
  `AUROC ${m.auroc.toFixed(3)} [${m.auroc95[0].toFixed(3)}, ${m.auroc95[1].toFixed(3)}]  Brier ${m.brier.toFixed(4)}  slope ${m.calibrationSlope.toFixed(2)}  intercept ${m.calibrationIntercept.toFixed(2)}  ECE ${m.ece.toFixed(3)}`;

function taskExit(task: TaskState, json: boolean, io: CliIo): number | null {
  if (task.state === 'done') return null;
  if (json) io.out(JSON.stringify({ task, error: task.error ?? null }));
  else io.err(task.state === 'cancelled' ? 'Cancelled.' : `Failed: ${task.error?.message ?? 'unknown error'}`);
  return task.state === 'cancelled' ? 130 : 1;
}

/** `dataspace train`: prints `{run, model, admissions, parameters, metrics: {model, lace, hospital}}` with --json. */
export async function runTrainCommand(engine: Engine, values: TrainCliOptions, json: boolean, io: CliIo): Promise<number> {
  const { taskId } = await engine.startTraining(trainingOptions(values));
  const task = await runTask(engine, taskId, json);
  const failed = taskExit(task, json, io);
  if (failed !== null) return failed;
  const result = task.result;
  if (result?.type !== 'train') return 1;
  if (json) {
    io.out(JSON.stringify({ run: result.runId, model: result.model, admissions: result.admissions, parameters: result.parameters, metrics: result.metrics }));
    return 0;
  }
  const a = result.admissions;
  io.out(`Trained ${result.model.name} ${result.model.version} (${result.model.kind}) as a candidate: ${result.model.id}`);
  io.out(`Admissions ${a.total} (${a.positives} readmitted): train ${a.train}, held out ${a.test}`);
  io.out(`  model     ${ci(result.metrics.model)}`);
  io.out(`  LACE      ${ci(result.metrics.lace)}`);
  io.out(`  HOSPITAL  ${ci(result.metrics.hospital)}`);
  io.out(`Activate it with: dataspace models activate ${result.model.id}`);
  return 0;
}

/** `dataspace score`: scores every index admission with the active model. */
export async function runScoreCommand(engine: Engine, json: boolean, io: CliIo): Promise<number> {
  const { taskId } = await engine.startScoring();
  const task = await runTask(engine, taskId, json);
  const failed = taskExit(task, json, io);
  if (failed !== null) return failed;
  const summary = await engine.getRiskSummary();
  if (json) {
    io.out(JSON.stringify({ result: task.result, run: summary.run, thresholds: summary.thresholds, levels: summary.levels, metrics: summary.metrics }));
    return 0;
  }
  const run = summary.run!;
  io.out(`Scored ${run.admissions} index admissions with ${run.modelName} ${run.modelVersion} in ${run.seconds.toFixed(2)} s (run ${run.id})`);
  io.out(`Levels: high ${summary.levels.high}, moderate ${summary.levels.moderate}, low ${summary.levels.low} (thresholds ${summary.thresholds.moderate} / ${summary.thresholds.high})`);
  if (summary.metrics) {
    io.out(`On the observed outcomes of these admissions:`);
    io.out(`  model     ${ci(summary.metrics.model)}`);
    io.out(`  LACE      ${ci(summary.metrics.lace)}`);
    io.out(`  HOSPITAL  ${ci(summary.metrics.hospital)}`);
  }
  return 0;
}

function describe(m: ModelSummary): string {
  const auroc = m.card.metrics ? `AUROC ${m.card.metrics.model.auroc.toFixed(3)}` : 'no metrics';
  return `${m.stage.padEnd(9)} ${m.name} ${m.version}  ${m.kind}  ${m.source}  ${auroc}  ${m.id}`;
}

/** `dataspace models [list] | activate ID | rollback`. */
export async function runModelsCommand(engine: Engine, args: string[], json: boolean, io: CliIo): Promise<number> {
  const [sub = 'list', id] = args;
  if (sub === 'list') {
    const { models } = await engine.listModels();
    if (json) io.out(JSON.stringify({ models }));
    else for (const m of models) io.out(describe(m));
    return 0;
  }
  if (sub === 'evaluate') {
    if (!id) throw new InvalidInputError('models evaluate needs a model id (see dataspace models list).', 'invalid-option');
    const { taskId } = await engine.evaluateModel({ modelId: id });
    const task = await runTask(engine, taskId, json);
    const failed = taskExit(task, json, io);
    if (failed !== null) return failed;
    const result = task.result;
    if (result?.type !== 'evaluate') return 1;
    if (json) io.out(JSON.stringify({ evaluation: result }));
    else if (!result.metrics) io.out(`Evaluated on ${result.admissions} admissions: no labelled admissions of both outcomes.`);
    else {
      io.out(`On this store's ${result.admissions} index admissions:`);
      io.out(`  model     ${ci(result.metrics.model)}`);
      io.out(`  LACE      ${ci(result.metrics.lace)}`);
      io.out(`  HOSPITAL  ${ci(result.metrics.hospital)}`);
    }
    return 0;
  }
  if (sub === 'activate' || sub === 'rollback') {
    if (sub === 'activate' && !id) throw new InvalidInputError('models activate needs a model id (see dataspace models list).', 'invalid-option');
    const model = sub === 'activate' ? await engine.activateModel({ modelId: id! }) : await engine.rollbackModel();
    if (json) io.out(JSON.stringify({ model }));
    else io.out(`Active: ${describe(model)}`);
    return 0;
  }
  io.err('Usage: dataspace models [list] | models evaluate ID | models activate ID | models rollback');
  return 2;
}
