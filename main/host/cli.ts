// `dataspace <command>`: the engine on the command line, for IT automation and scripts.
// Every command takes --data-dir and --json; --json prints exactly one JSON object on stdout.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { DicomImportOptions, ImportJobState, VcfImportOptions } from '../api/contract.ts';
import { createEngine, type Engine } from '../engine.ts';
import { defaultDataDir } from '../store/data-folder.ts';
import { EngineSetupError, InvalidInputError, toApiError } from '../util/errors.ts';
import { runConfigCommand } from './cli-config.ts';
import { runDemoCommand } from './cli-demo.ts';
import { parseDicomOptions, runImagingCommand, runQuarantineCommand } from './cli-imaging.ts';
import { runPgxCommand } from './cli-pgx.ts';
import { runModelsCommand, runScoreCommand, runTrainCommand } from './cli-readmission.ts';
import { runCaCommand } from './cli-ca.ts';
import { runConsortiumNodeCommand, runEnrolCommand, runReleasesCommand, runRequestsCommand, runSyncCommand } from './cli-consortium.ts';
import { runConsortiumSandboxCommand } from './cli-consortium-sandbox.ts';
import { headlessKeyProtector } from './passphrase.ts';

const USAGE = `Usage: dataspace <command> [options]

Commands:
  init [--institution-id ID] [--name NAME]   create the data folder, key and institution profile
  import PATH...                             import FHIR, DICOM and VCF files or folders (recursive, .gz ok)
    [--sample-sheet CSV]                       VCF: sample id -> MRN system, MRN value (else the id is the MRN)
    [--write-deidentified-vcf]                 VCF: also keep a de-identified BGZF copy in the data folder
    [--dicom-options JSON]                     DICOM: PS3.15 options, e.g. '{"retainPatientCharacteristics":true}'
  imaging [--modality CODE]                  de-identified imaging studies (DICOM)
  quarantine                                 DICOM files held back for review
  quarantine discard ID                      record that a held-back file is discarded (audited)
  pgx                                        PGx gene calls and drug-gene alerts per patient
  train [--kind logistic|mlp] [--test-fraction F] [--seed N] [--l2 X] [--class-weight balanced|none]
                                             fit a readmission model on the store; registers a candidate
  score                                      score every index admission with the active model
  models [list] | evaluate ID | activate ID | rollback
                                             the model registry: measure a candidate on this store, activate, roll back (audited)
  enrol --country CC                         create the institution key (kept encrypted) and print a CSR
  enrol --certificate CERT.pem [--chain CA.pem] | --pkcs12 FILE.p12
                                             import the signed certificate ($DATASPACE_PKCS12_PASSWORD)
  consortium status                          enrolment, certificate expiry, endpoint, outbox, disclosure policy
  consortium endpoint --url URL --bucket B --access-key K [--proxy URL]
                                             the consortium store (secret key in $DATASPACE_CONSORTIUM_SECRET)
  consortium sandbox [--dir DIR] [--port N] [--institutions a,b,c]
                                             a local S3-compatible consortium store with mutual TLS (no data folder)
  sync [--approve-policy]                    CRL, signed requests, approved releases up, signed models down
  requests [list] | show N | approve N | reject N [--reason TEXT]
                                             consortium requests and what would leave ("what leaves")
  releases                                   releases this node has approved or uploaded
  ca init|sign-csr|issue-server|revoke|sign-model|sign-request --ca-dir DIR
                                             consortium CA tooling (no data folder; see dataspace ca)
  config list | get KEY | set KEY VALUE      engine settings (e.g. vcf.default-mrn-system); changes are audited
  status                                     institution, data folder, record counts, policy
  patients [--limit N] [--offset N]          list de-identified patients
  audit verify                               re-walk the audit hash chain
  audit list [--limit N]                     recent audit entries
  demo generate [--out DIR] [--institutions A,B] [--patients N] [--seed S]
                                             write a synthetic consortium (no data folder needed)
  demo auroc DIR...                          AUROC of the true readmission mechanism over its ground truth

Options (every command):
  --data-dir DIR   the data folder (default: the desktop app's, or $DATASPACE_DATA_DIR)
  --wait SECONDS   if another engine (e.g. the desktop app) has the data folder, wait up to this long
                   for it instead of exiting at once with 75
  --json           print one JSON object instead of text
  -h, --help       this help

The pseudonymisation key is unlocked with $DATASPACE_PASSPHRASE, or a prompt on a terminal.`;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      wait: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      'institution-id': { type: 'string' },
      name: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      'sample-sheet': { type: 'string' },
      'write-deidentified-vcf': { type: 'boolean', default: false },
      out: { type: 'string' },
      institutions: { type: 'string' },
      patients: { type: 'string' },
      seed: { type: 'string' },
      'dicom-options': { type: 'string' },
      modality: { type: 'string' },
      kind: { type: 'string' },
      'test-fraction': { type: 'string' },
      l2: { type: 'string' },
      'class-weight': { type: 'string' },
      country: { type: 'string' },
      certificate: { type: 'string' },
      chain: { type: 'string' },
      pkcs12: { type: 'string' },
      url: { type: 'string' },
      bucket: { type: 'string' },
      'access-key': { type: 'string' },
      proxy: { type: 'string' },
      'approve-policy': { type: 'boolean', default: false },
      reason: { type: 'string' },
    },
  });
}

function intOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidInputError(`--${name} must be a whole number.`, 'invalid-option');
  return n;
}

function formatImport(job: ImportJobState): string {
  const t = job.totals;
  const lines = [
    `Import ${job.state}: ${t.accepted} accepted (${t.inserted} new or changed, ${t.unchanged} unchanged), ${t.rejected} rejected, ${t.skipped} skipped, ${t.recordsPerSecond} records/s`,
    `Policy: ${job.policy.name} ${job.policy.version}`,
  ];
  const skipped = Object.entries(job.skippedByType);
  if (skipped.length > 0) lines.push(`Skipped types: ${skipped.map(([k, v]) => `${k} ${v}`).join(', ')}`);
  for (const issue of job.issues) {
    lines.push(`  ${issue.severity}: ${issue.file} ${issue.position}${issue.path ? ` ${issue.path}` : ''}: ${issue.reason}`);
  }
  return lines.join('\n');
}

async function runImportCommand(engine: Engine, paths: string[], json: boolean, io: CliIo, vcf: VcfImportOptions = {}, dicom?: DicomImportOptions): Promise<number> {
  if (paths.length === 0) throw new InvalidInputError('import needs at least one file or folder.', 'no-input');
  const { jobId } = await engine.startImport({ paths, ...(vcf.sampleSheet || vcf.writeDeidentifiedCopy ? { vcf } : {}), ...(dicom ? { dicom } : {}) });
  const interactive = !json && process.stderr.isTTY;
  const off = engine.onEvent((event) => {
    if (interactive && event.type === 'import.progress' && event.job.jobId === jobId) {
      const t = event.job.totals;
      const pct = t.bytesTotal > 0 ? Math.floor((100 * t.bytesRead) / t.bytesTotal) : 0;
      process.stderr.write(`\r${pct}%  ${t.accepted} accepted  ${t.rejected} rejected  ${t.recordsPerSecond}/s   `);
    }
  });
  const onSignal = () => void engine.cancelImport({ jobId });
  process.once('SIGINT', onSignal);
  try {
    const job = await engine.waitForImport(jobId);
    if (interactive) process.stderr.write('\n');
    if (json) io.out(JSON.stringify({ import: job }));
    else io.out(formatImport(job));
    if (job.state === 'failed') {
      if (!json) io.err(`Import failed: ${job.error?.message ?? 'unknown error'}`);
      return 1;
    }
    // A CLI process ends here: let the import bring the admission features up to date first,
    // so the next `dataspace score` does not have to (whatever is left stale, scoring finishes).
    if (job.state === 'done') {
      if (interactive) process.stderr.write('Updating admission features…\n');
      await engine.settleImports();
    }
    return job.state === 'cancelled' ? 130 : 0;
  } finally {
    off();
    process.removeListener('SIGINT', onSignal);
  }
}

/** Reports a failed command: `{error}` with --json, the message on stderr, a stack only for bugs. */
function cliFailure(command: string, error: unknown, json: boolean, io: CliIo): number {
  const apiError = toApiError(error);
  if (json) io.out(JSON.stringify({ error: apiError }));
  io.err(`dataspace ${command}: ${apiError.message}`);
  if (!(error instanceof InvalidInputError || error instanceof EngineSetupError) && error instanceof Error && apiError.name === 'InternalError') io.err(error.stack ?? '');
  // EX_TEMPFAIL (sysexits.h): another engine has the data folder; a scheduled run can try later.
  return error instanceof EngineSetupError && error.code === 'data-folder-in-use' ? 75 : 1;
}

/** A day: a scheduled job that waits longer is better rescheduled. */
const MAX_WAIT_SECONDS = 86_400;

/**
 * Opens the engine; while another engine holds the data folder, tries again every second until
 * `waitSeconds` have passed (saying once that it waits), then gives up with that engine's error.
 */
async function openWhenFree(waitSeconds: number, say: (message: string) => void, open: () => Promise<Engine>): Promise<Engine> {
  const deadline = Date.now() + waitSeconds * 1000;
  let announced = false;
  for (;;) {
    try {
      return await open();
    } catch (error) {
      const busy = error instanceof EngineSetupError && error.code === 'data-folder-in-use';
      const left = deadline - Date.now();
      if (!busy || left <= 0) throw error;
      if (!announced) {
        announced = true;
        say(`${error.message} Waiting up to ${waitSeconds} s for it.`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, left)));
    }
  }
}

/** Runs one CLI invocation; returns the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  // The consortium's own tools take their own options and need no node data folder.
  if (argv[0] === 'ca') return runCaCommand(argv.slice(1), io).catch((error: unknown) => cliFailure('ca', error, argv.includes('--json'), io));
  if (argv[0] === 'consortium' && argv[1] === 'sandbox') return runConsortiumSandboxCommand(argv.slice(2), { json: argv.includes('--json') }, io);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    (command || values.help ? io.out : io.err)(USAGE);
    return command || values.help ? 0 : 2;
  }
  const json = values.json ?? false;
  // Writes and reads export files only: no engine, data folder or passphrase.
  if (command === 'demo') return runDemoCommand(rest, { ...values, json }, io);
  const known = ['init', 'import', 'status', 'patients', 'audit', 'pgx', 'config', 'imaging', 'quarantine', 'train', 'score', 'models', 'enrol', 'sync', 'requests', 'releases', 'consortium'];
  if (!known.includes(command)) {
    io.err(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const waitSeconds = values.wait === undefined ? 0 : Number(values.wait);
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
    io.err(`--wait takes a number of seconds from 0 to ${MAX_WAIT_SECONDS}.\n\n${USAGE}`);
    return 2;
  }
  let engine: Engine | undefined;
  try {
    const keyProtector = await headlessKeyProtector();
    engine = await openWhenFree(waitSeconds, (message) => io.err(`dataspace ${command}: ${message}`), () => createEngine({
      dataDir: values['data-dir'] ?? defaultDataDir(),
      keyProtector,
      institution: { id: values['institution-id'], displayName: values.name },
      actor: 'cli',
      // The import thread starts while the engine opens, not after.
      keepImportWorkerReady: command === 'import',
    }));
    switch (command) {
      case 'init': {
        const status = await engine.getStatus();
        io.out(json ? JSON.stringify({ status }) : `Data folder ready: ${status.dataDir}\nInstitution: ${status.institution.displayName} (${status.institution.id})`);
        return 0;
      }
      case 'import':
        return await runImportCommand(engine, rest, json, io, {
          ...(values['sample-sheet'] ? { sampleSheet: resolve(values['sample-sheet']) } : {}),
          ...(values['write-deidentified-vcf'] ? { writeDeidentifiedCopy: true } : {}),
        }, values['dicom-options'] === undefined ? undefined : parseDicomOptions(values['dicom-options']));
      case 'imaging':
        return await runImagingCommand(engine, values.modality, json, io);
      case 'quarantine':
        return await runQuarantineCommand(engine, rest, json, io);
      case 'pgx':
        return await runPgxCommand(engine, json, io);
      case 'train':
        return await runTrainCommand(engine, values, json, io);
      case 'score':
        return await runScoreCommand(engine, json, io);
      case 'models':
        return await runModelsCommand(engine, rest, json, io);
      case 'enrol':
        return await runEnrolCommand(engine, values, json, io);
      case 'sync':
        return await runSyncCommand(engine, values, json, io);
      case 'requests':
        return await runRequestsCommand(engine, rest, values, json, io);
      case 'releases':
        return await runReleasesCommand(engine, json, io);
      case 'consortium':
        return await runConsortiumNodeCommand(engine, rest, values, json, io);
      case 'config':
        return await runConfigCommand(engine, rest, json, io);
      case 'status': {
        const status = await engine.getStatus();
        if (json) io.out(JSON.stringify({ status }));
        else {
          const c = status.counts;
          io.out(
            [
              `Institution: ${status.institution.displayName} (${status.institution.id})`,
              `Data folder: ${status.dataDir}`,
              `Policy: ${status.policy.name} ${status.policy.version}`,
              `Patients ${c.patients}, encounters ${c.encounters}, conditions ${c.conditions}, observations ${c.observations}, medications ${c.medications}, procedures ${c.procedures}, other ${c.otherResources}, import batches ${c.importBatches}`,
            ].join('\n'),
          );
        }
        return 0;
      }
      case 'patients': {
        const page = await engine.listPatients({
          offset: intOption(values.offset, 0, 'offset'),
          limit: Math.min(1000, Math.max(1, intOption(values.limit, 1000, 'limit'))),
        });
        if (json) io.out(JSON.stringify({ total: page.total, offset: page.offset, patients: page.patients }));
        else {
          io.out(`${page.total} patients`);
          for (const p of page.patients) {
            io.out(`${p.pseudonym}  ${p.sex ?? '-'}  ${p.ageGroup ?? '-'}  enc ${p.encounters}  cond ${p.conditions}  obs ${p.observations}  med ${p.medications}`);
          }
        }
        return 0;
      }
      case 'audit': {
        const sub = rest[0];
        if (sub === 'verify') {
          const result = await engine.verifyAudit();
          if (json) io.out(JSON.stringify({ verify: result, problems: result.problems }));
          else {
            io.out(result.ok ? `Audit chain OK (${result.checked} entries).` : `Audit chain BROKEN (${result.checked} entries checked):`);
            for (const p of result.problems) io.out(`  row ${p.seq ?? '-'} ${p.kind}: ${p.message}`);
          }
          return result.ok ? 0 : 1;
        }
        if (sub === 'list') {
          const page = await engine.listAudit({ offset: 0, limit: Math.min(1000, Math.max(1, intOption(values.limit, 50, 'limit'))) });
          if (json) io.out(JSON.stringify({ total: page.total, entries: page.entries }));
          else for (const e of page.entries) io.out(`${e.seq}  ${e.at}  ${e.actor}  ${e.action}  ${JSON.stringify(e.details)}`);
          return 0;
        }
        io.err('Usage: dataspace audit verify | dataspace audit list');
        return 2;
      }
    }
    return 2;
  } catch (error) {
    return cliFailure(command, error, json, io);
  } finally {
    await engine?.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (invokedDirectly) {
  // Exit only once stdout is flushed: on a pipe, process.exit cuts off a large --json answer.
  runCli(process.argv.slice(2)).then((code) => process.stdout.write('', () => process.exit(code)));
}
