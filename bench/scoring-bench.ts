// The `scoring` benchmark of `npm run bench`: (a) inference on a fixed, seeded 1,000,000 × 13
// float32 matrix with the bundled baseline through onnxruntime-node against a plain TypeScript
// dot product + sigmoid (target ≥ 1M rows/s through ORT); (b) `dataspace score` end to end
// (feature extraction included) on a store of ≥ 100,000 index admissions, built once from the
// synthetic generator through the real engine and cached under bench/work/score-store-v<N>/
// (target < 10 s), with the phases timed in-process.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConsortium } from '../main/demo/index.ts';
import { createEngine } from '../main/engine.ts';
import { FEATURE_NAMES } from '../main/features/readmission/feature-set.ts';
import { BUNDLED_MODELS, defaultModelsDir } from '../main/scoring/bundled-models.ts';
import { sha256Hex } from '../main/scoring/model-registry.ts';
import { loadIndexAdmissions } from '../main/scoring/readmission-admissions.ts';
import { scoreReadmissions } from '../main/scoring/readmission-scoring.ts';
import { logisticRisk, modelParametersFromOnnx, type LogisticModel } from '../main/scoring/risk-model-graphs.ts';
import { RiskSession } from '../main/scoring/risk-session.ts';
import { openReadable, openWritable } from '../main/store/database.ts';
import { dataFolderLayout } from '../main/store/data-folder.ts';
import { passphraseKeyProtector } from '../main/store/key-protector.ts';
import { sql } from '../main/store/sql.ts';
import { refreshIndexAdmissions } from '../main/features/readmission/index-admission-cache.ts';
import { migrate } from '../main/store/migrations/index.ts';

type BundleEngine = (entry: string) => Promise<{ script: string; workerDir: string }>;

const root = fileURLToPath(new URL('..', import.meta.url));
const WIDTH = FEATURE_NAMES.length;
const INFERENCE_ROWS = 1_000_000;
const BATCH = 65_536;
/** Bump when the generator, importer or schema change what the cached store holds. */
const STORE_VERSION = 1;
/** The dkfz profile yields ~1.03 index admissions per patient (the others 0.4–0.6). */
const STORE_SITE = 'dkfz';
const STORE_SEED = 1;
const PASSPHRASE = 'bench-passphrase-score';
const THRESHOLDS = { moderate: 0.15, high: 0.3 };

const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
const perSecond = (n: number, seconds: number) => Math.round(n / seconds).toLocaleString('en-US');

/** Rows around the model's own training means, so the sigmoid is exercised where it matters. */
function seededMatrix(rows: number, model: LogisticModel, seed: number): Float32Array {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const out = new Float32Array(rows * WIDTH);
  for (let k = 0; k < out.length; k++) {
    const z = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const j = k % WIDTH;
    out[k] = Math.max(0, model.standardisation.mean[j]! + 2 * model.standardisation.scale[j]! * z);
  }
  return out;
}

/** risk = σ(b + Σ w_j (x_j − μ_j) / s_j), as logisticRisk, in one loop over the matrix. */
function typescriptRisks(model: LogisticModel, matrix: Float32Array): Float32Array {
  const { weights, intercept, standardisation } = model;
  const w = Float64Array.from(weights);
  const mean = Float64Array.from(standardisation.mean);
  const scale = Float64Array.from(standardisation.scale);
  const rows = matrix.length / WIDTH;
  const out = new Float32Array(rows);
  for (let r = 0, k = 0; r < rows; r++) {
    let z = intercept;
    for (let j = 0; j < WIDTH; j++, k++) z += (w[j]! * (matrix[k]! - mean[j]!)) / scale[j]!;
    out[r] = 1 / (1 + Math.exp(-z));
  }
  return out;
}

async function timeBest<T>(rounds: number, run: () => Promise<T> | T): Promise<{ seconds: number; value: T }> {
  let best = Number.POSITIVE_INFINITY;
  let value: T | undefined;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    value = await run();
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { seconds: best, value: value! };
}

function baselineOnnx(): { onnx: Uint8Array; model: LogisticModel } {
  const bundled = BUNDLED_MODELS[0]!;
  const onnx = new Uint8Array(readFileSync(join(defaultModelsDir(), bundled.onnxFile)));
  if (sha256Hex(onnx) !== bundled.sha256) throw new Error(`${bundled.onnxFile} does not match its pinned SHA-256`);
  const params = modelParametersFromOnnx(onnx);
  if (params?.kind !== 'logistic') throw new Error('the bundled baseline is not a logistic model this node built');
  return { onnx, model: params.model };
}

async function inferenceBench(): Promise<void> {
  const { onnx, model } = baselineOnnx();
  const matrix = seededMatrix(INFERENCE_ROWS, model, 20251122);
  for (let r = 0; r < 1000; r++) {
    const reference = logisticRisk(model, matrix.subarray(r * WIDTH, (r + 1) * WIDTH));
    if (Math.abs(reference - typescriptRisks(model, matrix.subarray(r * WIDTH, (r + 1) * WIDTH))[0]!) > 1e-7) throw new Error('the loop is not logisticRisk');
  }
  const results: Record<string, { 'rows/s': string; seconds: string }> = {};
  let ortRisks: Float32Array | undefined;
  for (const threads of [1, 2]) {
    const session = await RiskSession.create(onnx, WIDTH, { intraOpThreads: threads });
    try {
      await session.score(matrix.subarray(0, BATCH * WIDTH));
      const { seconds, value } = await timeBest(3, () => session.score(matrix, BATCH));
      ortRisks ??= value;
      results[`onnxruntime-node, ${threads} thread${threads > 1 ? 's' : ''} (batches of ${BATCH})`] = { 'rows/s': perSecond(INFERENCE_ROWS, seconds), seconds: seconds.toFixed(3) };
    } finally {
      await session.close();
    }
  }
  const ts = await timeBest(3, () => typescriptRisks(model, matrix));
  results['TypeScript dot product + sigmoid'] = { 'rows/s': perSecond(INFERENCE_ROWS, ts.seconds), seconds: ts.seconds.toFixed(3) };
  let worst = 0;
  for (let r = 0; r < INFERENCE_ROWS; r++) worst = Math.max(worst, Math.abs(ortRisks![r]! - ts.value[r]!));
  console.log(`inference: ${INFERENCE_ROWS.toLocaleString('en-US')} × ${WIDTH} float32 rows, bundled baseline (${BUNDLED_MODELS[0]!.sha256.slice(0, 12)}…)`);
  console.table(results);
  const best = Math.max(...Object.entries(results).filter(([k]) => k.startsWith('onnx')).map(([, v]) => Number(v['rows/s'].replace(/,/g, ''))));
  console.log(
    `max |ORT − TypeScript| = ${worst.toExponential(2)} (${worst < 1e-6 ? 'agree' : 'DISAGREE'} to 1e-6); ` +
      `ORT ${best.toLocaleString('en-US')} rows/s (target ≥ 1,000,000: ${best >= 1e6 ? 'met' : 'NOT MET'}); process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`,
  );
}

interface ScoreStoreManifest {
  version: number;
  site: string;
  patients: number;
  seed: number;
  generatedIndexAdmissions: number;
  resources: number;
  generateSeconds: number;
  importSeconds: number;
}

/** What the generator wrote, kept so an interrupted build resumes at the import. */
interface GeneratedExport {
  fhir: string;
  indexAdmissions: number;
  seconds: number;
}

async function generateExport(exportsDir: string, patients: number): Promise<GeneratedExport> {
  const doneFile = join(exportsDir, 'generated.json');
  if (existsSync(doneFile)) return JSON.parse(readFileSync(doneFile, 'utf8')) as GeneratedExport;
  rmSync(exportsDir, { recursive: true, force: true });
  let lastPrint = 0;
  const report = await generateConsortium({
    outDir: exportsDir, institutions: [STORE_SITE], patients, seed: STORE_SEED,
    onProgress: ({ patientsDone, patientsTotal }) => {
      if (performance.now() - lastPrint < 10_000 && patientsDone !== patientsTotal) return;
      lastPrint = performance.now();
      console.log(`  generated ${patientsDone.toLocaleString('en-US')} / ${patientsTotal.toLocaleString('en-US')} patients`);
    },
  });
  const site = report.institutions[0]!;
  const generated = { fhir: join(exportsDir, site.paths.fhir), indexAdmissions: site.indexAdmissions, seconds: Math.round(report.elapsedMs / 1000) };
  writeFileSync(doneFile, JSON.stringify(generated));
  console.log(`  ${site.indexAdmissions.toLocaleString('en-US')} index admissions in the ground truth; generated in ${generated.seconds} s`);
  return generated;
}

/**
 * Generates and imports the store once; later runs reuse it. FHIR only: the site's VCF (one
 * sample per genotyped patient, ~35,000 here) makes the import worker run out of heap, so the
 * PGx feature is 0 throughout and loadIndexAdmissions takes its path without genotypes.
 */
async function ensureScoreStore(work: string, patients: number): Promise<{ dataDir: string; manifest: ScoreStoreManifest }> {
  const dir = join(work, `score-store-v${STORE_VERSION}`);
  const manifestFile = join(dir, 'store.json');
  const dataDir = join(dir, 'data');
  if (existsSync(manifestFile)) {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as ScoreStoreManifest;
    if (manifest.patients === patients && manifest.version === STORE_VERSION) return { dataDir, manifest };
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  const exportsDir = join(dir, 'exports');
  console.log(`building the scoring store once: ${patients.toLocaleString('en-US')} ${STORE_SITE} patients, seed ${STORE_SEED} (minutes)...`);
  const generated = await generateExport(exportsDir, patients);

  // Imports are idempotent: after an interruption the same folder is imported again.
  const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector(PASSPHRASE), institution: { id: 'bench-scoring', displayName: 'Scoring bench' }, actor: 'bench' });
  const started = performance.now();
  try {
    const { jobId } = await engine.startImport({ paths: [generated.fhir] });
    let lastPrint = 0;
    const off = engine.onEvent((event) => {
      if (event.type !== 'import.progress' || performance.now() - lastPrint < 10_000) return;
      lastPrint = performance.now();
      const t = event.job.totals;
      console.log(`  imported ${t.accepted.toLocaleString('en-US')} resources (${t.bytesTotal > 0 ? Math.floor((100 * t.bytesRead) / t.bytesTotal) : 0}% of bytes, ${t.recordsPerSecond}/s)`);
    });
    const job = await engine.waitForImport(jobId);
    off();
    if (job.state !== 'done') throw new Error(`the import ${job.state}: ${job.error?.message ?? ''}`);
  } finally {
    await engine.close();
  }
  const importSeconds = (performance.now() - started) / 1000;
  const reader = openReadable(dataFolderLayout(dataDir).database);
  const resources = reader.pluck<number>(sql`SELECT count(*) FROM resource`) ?? 0;
  reader.close();
  console.log(`  ${resources.toLocaleString('en-US')} resources in the store; import took ${importSeconds.toFixed(0)} s`);
  rmSync(exportsDir, { recursive: true, force: true });
  const manifest: ScoreStoreManifest = {
    version: STORE_VERSION, site: STORE_SITE, patients, seed: STORE_SEED, generatedIndexAdmissions: generated.indexAdmissions, resources,
    generateSeconds: generated.seconds, importSeconds: Math.round(importSeconds),
  };
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  return { dataDir, manifest };
}

interface ChildRun {
  wallSeconds: number;
  /** User + system CPU of the child and its threads; steadier than wall time on a shared machine. */
  cpuSeconds: number | null;
  maxRssMb: number | null;
  stdout: string;
}

/** One `dataspace` invocation in a child process, under /usr/bin/time -v for its peak RSS when present. */
function runChild(command: string[], env: NodeJS.ProcessEnv): ChildRun {
  const timed = existsSync('/usr/bin/time');
  const [file, ...args] = timed ? ['/usr/bin/time', '-v', ...command] : command;
  const t0 = performance.now();
  const child = spawnSync(file!, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env, DATASPACE_PASSPHRASE: PASSPHRASE } });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (child.status !== 0) throw new Error(`${command.join(' ')} failed (${child.status}): ${child.stderr}`);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(child.stderr);
  const user = /User time \(seconds\): ([\d.]+)/.exec(child.stderr);
  const system = /System time \(seconds\): ([\d.]+)/.exec(child.stderr);
  const cpuSeconds = user && system ? Number(user[1]) + Number(system[1]) : null;
  return { wallSeconds, cpuSeconds, maxRssMb: rss ? Number(rss[1]) / 1024 : null, stdout: child.stdout };
}

/** What each progress phase of scoreReadmissions covers (main/scoring/readmission-scoring.ts). */
const PHASE_LABELS: Record<string, string> = {
  start: 'feature matrix',
  inference: 'ORT session + inference',
  explanations: 'explanations',
  'clinical scores': 'top factors, LACE, HOSPITAL, feature hashes',
  evaluation: 'metrics and curves',
};

const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
};

/** Extraction, inference with explanations, and the prediction-log write, timed in this process. */
async function phaseTimes(dataDir: string): Promise<void> {
  const database = dataFolderLayout(dataDir).database;
  const reader = openWritable(database);
  let t0 = performance.now();
  let c0 = process.cpuUsage();
  const admissions = loadIndexAdmissions(reader);
  const extraction = { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0) };
  const active = reader.get<{ id: string; onnx: Buffer }>(sql`SELECT id, onnx FROM model WHERE stage = 'active'`);
  reader.close();
  if (!active) throw new Error('no active model in the scoring store');
  const phases: [string, number][] = [];
  let phaseStart = performance.now();
  let phase = 'start';
  t0 = performance.now();
  c0 = process.cpuUsage();
  const { scored, summary } = await scoreReadmissions(admissions, new Uint8Array(active.onnx), THRESHOLDS, {
    progress: (next) => {
      const now = performance.now();
      phases.push([phase, (now - phaseStart) / 1000]);
      phase = next;
      phaseStart = now;
    },
  });
  phases.push([phase, (performance.now() - phaseStart) / 1000]);
  const scoring = { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0) };

  // The same statements as main/scoring/readmission-worker.ts, rolled back so the store stays as cached.
  const writer = openWritable(database);
  t0 = performance.now();
  c0 = process.cpuUsage();
  try {
    writer.exec('BEGIN');
    const at = new Date().toISOString();
    const runId = Number(writer.run(sql`INSERT INTO score_run (model_id, started_at, finished_at, admissions, seconds, summary)
      VALUES (${active.id}, ${at}, ${at}, ${scored.length}, 0, ${JSON.stringify(summary)})`).lastInsertRowid);
    const insert = writer.prepare(`INSERT INTO prediction (run_id, model_id, encounter_key, pseudonym, admit_day, length_of_stay,
      feature_hash, risk, level, top_factors, lace, hospital, readmitted, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const s of scored) {
      const a = s.admission;
      insert.run(runId, active.id, a.encounterKey, a.pseudonym, a.admitDay, a.dischargeDay - a.admitDay, s.featureHash, s.risk, s.level,
        JSON.stringify(s.topFactors), s.lace, s.hospital, a.readmitted30d, at);
    }
  } finally {
    writer.exec('ROLLBACK');
    writer.close();
  }
  const write = { wall: (performance.now() - t0) / 1000, cpu: cpuSince(c0) };
  const row = (t: { wall: number; cpu: number }) => ({ 'wall s': t.wall.toFixed(2), 'CPU s': t.cpu.toFixed(2) });
  console.log(`in-process phases on ${admissions.length.toLocaleString('en-US')} admissions:`);
  console.table({
    'extract index admissions (loadIndexAdmissions)': row(extraction),
    ...Object.fromEntries(phases.map(([name, seconds]) => [`  scoreReadmissions: ${PHASE_LABELS[name] ?? name}`, { 'wall s': seconds.toFixed(2), 'CPU s': '' }])),
    'scoreReadmissions total': row(scoring),
    'write score_run + predictions (one transaction, rolled back)': row(write),
  });
  console.log(`in-process peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
}

async function endToEndBench(work: string, bundleEngine?: BundleEngine): Promise<void> {
  const patients = Number(process.env.BENCH_SCORE_PATIENTS ?? 100_000);
  const { dataDir, manifest } = await ensureScoreStore(work, patients);
  console.log(`scoring store: ${manifest.patients.toLocaleString('en-US')} patients, ${manifest.resources.toLocaleString('en-US')} resources, ${manifest.generatedIndexAdmissions.toLocaleString('en-US')} index admissions in the ground truth`);

  const commands: [string, string[], NodeJS.ProcessEnv][] = [['node --import tsx main/host/cli.ts', [process.execPath, '--import', 'tsx', join(root, 'main', 'host', 'cli.ts')], {}]];
  if (bundleEngine) {
    const bundle = await bundleEngine(join(root, 'main', 'host', 'cli.ts'));
    commands.push(['bundled cli (as shipped)', [process.execPath, bundle.script], { DATASPACE_WORKER_DIR: bundle.workerDir }]);
  }
  // Earlier bench runs' predictions are dropped so every run writes into the same table size.
  const cleanup = openWritable(dataFolderLayout(dataDir).database);
  migrate(cleanup);
  cleanup.transaction(() => {
    cleanup.run(sql`DELETE FROM prediction`);
    cleanup.run(sql`DELETE FROM score_run`);
  });
  // The feature cache is filled by the import (import-run.ts); a store imported before it existed
  // has every patient marked stale, so the refresh is timed here, as the import would pay it.
  const refreshStart = performance.now();
  const refreshCpu = process.cpuUsage();
  const refreshed = refreshIndexAdmissions(cleanup);
  if (refreshed.patients > 0) {
    console.log(`feature cache refresh (paid once, at import): ${refreshed.patients.toLocaleString('en-US')} patients, ${refreshed.admissions.toLocaleString('en-US')} admissions in ${((performance.now() - refreshStart) / 1000).toFixed(1)} s wall, ${cpuSince(refreshCpu).toFixed(1)} s CPU`);
  }
  cleanup.close();
  const rows: Record<string, Record<string, string>> = {};
  let scoredCount = 0;
  const cpu = (run: ChildRun) => (run.cpuSeconds === null ? 'n/a' : run.cpuSeconds.toFixed(2));
  for (const [label, command, env] of commands) {
    // Start-up alone: process, loader, key unwrap (scrypt) and engine open.
    const startup = runChild([...command, 'models', '--data-dir', dataDir, '--json'], env);
    const score = runChild([...command, 'score', '--data-dir', dataDir, '--json'], env);
    const out = JSON.parse(score.stdout) as { result: { admissions: number; seconds: number } };
    scoredCount = out.result.admissions;
    rows[`dataspace score — ${label}`] = {
      'wall s': score.wallSeconds.toFixed(2),
      'CPU s': cpu(score),
      'worker s': out.result.seconds.toFixed(2),
      admissions: out.result.admissions.toLocaleString('en-US'),
      'admissions/s': perSecond(out.result.admissions, score.wallSeconds),
      'peak RSS MB': score.maxRssMb === null ? 'n/a' : score.maxRssMb.toFixed(0),
    };
    rows[`dataspace models (start-up only) — ${label}`] = { 'wall s': startup.wallSeconds.toFixed(2), 'CPU s': cpu(startup), 'worker s': '-', admissions: '-', 'admissions/s': '-', 'peak RSS MB': startup.maxRssMb === null ? 'n/a' : startup.maxRssMb.toFixed(0) };
  }
  console.table(rows);
  const wall = Number(Object.values(rows)[0]!['wall s']);
  console.log(`end to end ${wall.toFixed(2)} s for ${scoredCount.toLocaleString('en-US')} index admissions (target < 10 s for 100,000: ${wall * (100_000 / scoredCount) < 10 ? 'met' : 'NOT MET'})`);
  await phaseTimes(dataDir);
}

export async function scoringBench(work = join(root, 'bench', 'work'), bundleEngine?: BundleEngine): Promise<void> {
  mkdirSync(work, { recursive: true });
  await inferenceBench();
  await endToEndBench(work, bundleEngine);
}
