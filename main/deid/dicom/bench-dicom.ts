// DICOM de-identification benchmark (called by `npm run bench`): generates a workload of real
// instances templated from the shared corpus (plus a synthetic 512x512 CT), de-identifies it
// with our engine and with GDCM's gdcmanon (PS3.15 E.1 Basic Profile, certificate mode), and
// compares throughput, peak memory and how many planted markers each leaves behind.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import forge from 'node-forge';
import { Tags } from '../../ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../ingest/dicom/read-dicom.ts';
import { writePart10 } from '../../ingest/dicom/write-dicom.ts';
import type { OutputNode } from '../../ingest/dicom/write-dicom.ts';
import { stringValue } from '../../ingest/dicom/dicom-dataset.ts';
import { createPseudonymKey } from '../pseudonym-key.ts';
import type { DirectoryRunFigures } from './bench-dicom-worker.ts';
import { deidentifyDicom } from './deidentify-dicom.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from './dicom-deid-options.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { buildMarkerFixture, survivingMarkers, syntheticCtInstance, writeInstanceWithDcmjs } from './marker-fixture.ts';
import type { PlantedMarker } from './marker-fixture.ts';

/** One tool's run over the workload. */
export interface ToolFigures {
  tool: string;
  outputs: number;
  wallSeconds: number;
  filesPerSecond: number;
  megabytesPerSecond: number;
  peakRssMb: number | null;
}

export interface DicomBenchFigures {
  files: number;
  /** The generated workload, for further runs (e.g. through the import pipeline). */
  inputDir: string;
  /** Where timed runs put their outputs (freshRunDir); the caller removes it after its own runs. */
  runsDir: string;
  inputMegabytes: number;
  templates: number;
  encapsulatedShare: number;
  ours: ToolFigures & { processingSeconds: number; outcomes: Record<string, number> };
  gdcmanon: ToolFigures | null;
  /** ours files/s divided by gdcmanon files/s (wall time, both including process start). */
  speedRatio: number | null;
  markers: {
    planted: number;
    oursBasic: number;
    oursDefault: number;
    oursDefaultNonTime: number;
    gdcmanon: number | null;
    /** gdcmanon survivors by where they were planted (top level, nested sequences, private, meta). */
    gdcmanonByLocation: Record<string, number> | null;
  };
}

const here = dirname(fileURLToPath(import.meta.url));
const SHARED_DICOM = resolve(here, '../../../../shared/data/dicom');
const TEMPLATE_FILES = [
  'dicomparser/testImages/CT1_UNC.explicit_big_endian.dcm',
  'dicomparser/testImages/encapsulated/single-frame/CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm',
  'dicomparser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm',
  'dicomparser/testImages/encapsulated/multi-frame/CT0012.not_fragmented_bot_rle.dcm',
  // Not emri_small_jpeg_2k_lossless.dcm: it already holds an Encrypted Attributes Sequence,
  // which gdcmanon refuses to de-identify again (and stops the whole directory run).
  'pydicom/src/pydicom/data/test_files/MR_small_jp2klossless.dcm',
  'pydicom-data/data_store/data/liver.dcm',
  'pydicom/src/pydicom/data/test_files/CT_small.dcm',
  'pydicom/src/pydicom/data/test_files/MR_small_implicit.dcm',
  'pydicom/src/pydicom/data/test_files/MR_small_RLE.dcm',
  'pydicom/src/pydicom/data/test_files/image_dfl.dcm',
  'dicomparser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm',
  'dcmjs/test/sample-dicom.dcm',
];
const probeKey = createPseudonymKey(randomBytes(32));

function loadTemplates(): Buffer[] {
  const templates: Buffer[] = [];
  for (const relative of TEMPLATE_FILES) {
    const path = join(SHARED_DICOM, relative);
    if (!existsSync(path)) continue;
    const bytes = readFileSync(path);
    const probe = deidentifyDicom(instanceVariant(bytes, 0), { key: probeKey, options: DEFAULT_DICOM_DEID_OPTIONS, mrnSystemForIssuer: () => 'urn:x' });
    if (probe.outcome === 'ok') templates.push(bytes);
  }
  // A full-size native CT slice (512 x 512 x 16 bit), and a small one, written by dcmjs.
  const pixels = Buffer.alloc(512 * 512 * 2);
  for (let i = 0; i < pixels.length; i += 2) pixels.writeUInt16LE((i * 7) & 0x0fff, i);
  templates.push(writeInstanceWithDcmjs(syntheticCtInstance({
    '00280010': { vr: 'US', Value: [512] },
    '00280011': { vr: 'US', Value: [512] },
    '7FE00010': { vr: 'OW', Value: [Uint8Array.from(pixels).buffer] },
  })));
  templates.push(writeInstanceWithDcmjs(syntheticCtInstance({})));
  return templates;
}

/** A copy of a template as a new instance of patient `i % 250`, study `i / 8`, series `i / 4`. */
function instanceVariant(template: Buffer, i: number): Buffer {
  const read = readDicom(template);
  if (!read.ok) throw new Error('A benchmark template does not read.');
  const replace = new Map<number, string>([
    [Tags.PatientID, `BENCH-${String(i % 250).padStart(4, '0')}`],
    [Tags.PatientName, `BENCH^PATIENT${i % 250}`],
    [Tags.StudyInstanceUID, `1.2.826.0.1.3680043.10.999.1.${Math.floor(i / 8)}`],
    [Tags.SeriesInstanceUID, `1.2.826.0.1.3680043.10.999.2.${Math.floor(i / 4)}`],
    [Tags.SOPInstanceUID, `1.2.826.0.1.3680043.10.999.3.${i}`],
  ]);
  const nodes: OutputNode[] = read.dataset.elements.map((element) => {
    const value = replace.get(element.tag);
    return value === undefined
      ? { kind: 'copy', tag: element.tag, source: read.dataset, element }
      : { kind: 'value', tag: element.tag, vr: element.explicitVr ? element.vr : element.tag === Tags.PatientName ? 'PN' : element.tag === Tags.PatientID ? 'LO' : 'UI', value: Buffer.from(value, 'latin1') };
  });
  const sopClassUid = stringValue(read.dataset, Tags.SOPClassUID) ?? '1.2.840.10008.5.1.4.1.1.2';
  return writePart10({ sopClassUid, sopInstanceUid: replace.get(Tags.SOPInstanceUID)!, transferSyntax: read.transferSyntax }, nodes);
}

const TIME = '/usr/bin/time';

/** Runs a command, timing it; with GNU time also its peak RSS. */
async function timed(command: string, args: string[]): Promise<{ seconds: number; peakRssMb: number | null; stdout: string }> {
  const useTime = existsSync(TIME);
  const started = performance.now();
  const child = useTime ? spawn(TIME, ['-f', 'PEAK_RSS_KB=%M', command, ...args]) : spawn(command, args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const status = await new Promise<number | null>((done) => child.on('close', done));
  const seconds = (performance.now() - started) / 1000;
  if (status !== 0) throw new Error(`${command} exited with ${status}: ${stderr.slice(-500)}`);
  const rss = /PEAK_RSS_KB=(\d+)/.exec(stderr);
  return { seconds, peakRssMb: rss ? Number(rss[1]) / 1024 : null, stdout };
}

function selfSignedCertificate(dir: string): string {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const subject = [{ name: 'commonName', value: 'DataSpace Node benchmark (throwaway)' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()), forge.md.sha256.create());
  const path = join(dir, 'throwaway-cert.pem');
  writeFileSync(path, forge.pki.certificateToPem(cert));
  return path;
}

function countBy<T>(values: readonly T[], key: (value: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[key(value)] = (counts[key(value)] ?? 0) + 1;
  return counts;
}

function gdcmanonAvailable(): boolean {
  return spawnSync('gdcmanon', ['--version'], { encoding: 'utf8' }).status === 0;
}

function figures(tool: string, files: number, inputBytes: number, outputs: number, seconds: number, peakRssMb: number | null): ToolFigures {
  return { tool, outputs, wallSeconds: seconds, filesPerSecond: files / seconds, megabytesPerSecond: inputBytes / 1e6 / seconds, peakRssMb };
}

interface BenchDirs {
  input: string;
  /** Each timed run's output folder is made here (freshRunDir) and removed after the last run. */
  runs: string;
  marker: string;
}

function generateWorkload(dirs: BenchDirs, files: number): { templates: number; inputBytes: number; encapsulated: number } {
  const templates = loadTemplates();
  let inputBytes = 0;
  let encapsulated = 0;
  for (let i = 0; i < files; i++) {
    const bytes = instanceVariant(templates[i % templates.length]!, i);
    const read = readDicom(bytes);
    if (read.ok && read.dataset.elements.some((element) => element.encapsulated)) encapsulated++;
    inputBytes += bytes.length;
    writeFileSync(join(dirs.input, `${String(i).padStart(6, '0')}.dcm`), bytes);
  }
  return { templates: templates.length, inputBytes, encapsulated };
}

interface BestRuns {
  ours: { seconds: number; peakRssMb: number | null; run: DirectoryRunFigures; outputs: number };
  gdcm: { seconds: number; peakRssMb: number | null; outputs: number } | null;
}

/**
 * More timed runs in every round, right after that round's gdcmanon run (the import pipeline), so
 * they meet the same state of the shared host as the runs they are compared with. Returns what to
 * add to the round's log line.
 */
export type AfterRound = (round: { inputDir: string; runsDir: string; gdcmanonSeconds: number | null }) => string;

/** How to start our side: `node --import tsx bench-dicom-worker.ts IN OUT` unless a bundle is given. */
export type OurCommand = (input: string, output: string) => [command: string, args: string[]];

const tsxWorker: OurCommand = (input, output) => [process.execPath, ['--import', 'tsx', join(here, 'bench-dicom-worker.ts'), input, output]];

/**
 * A new, empty output folder for one timed run. Outputs are not deleted between runs: on ext4
 * without a journal, files created within a minute or more of a large deletion pay for it (the
 * inode allocator skips every recently freed inode), which once took 28 % of a run. The caller
 * removes all outputs with `removeRunOutputs` after the last timed run.
 */
export function freshRunDir(parent: string, label: string): string {
  mkdirSync(parent, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = join(parent, `${label}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Writes every dirty page to disk before a timed run. Otherwise the previous run's output (350 MB at
 * 2,000 files) is written back by the kernel while the next run is timed, and its CPU comes out of
 * whichever tool runs next: on two cores it slows a tool that uses both (ours) more than one that
 * leaves a core idle (gdcmanon). Applied to every timed run, of both tools alike.
 */
export function settleWrites(): void {
  spawnSync('sync', { stdio: 'ignore' });
}

/** Removes every run's output (see freshRunDir), once nothing is being timed any more. */
export function removeRunOutputs(parent: string): void {
  rmSync(parent, { recursive: true, force: true });
}

/** The machine is shared and noisy: alternate the tools for a few rounds and keep each one's best. */
async function runRounds(dirs: BenchDirs, cert: string | null, rounds: number, log: (line: string) => void, command: OurCommand, afterRound?: AfterRound): Promise<BestRuns> {
  let ours: BestRuns['ours'] | null = null;
  let gdcm: BestRuns['gdcm'] = null;
  for (let round = 0; round < rounds; round++) {
    const oursOut = freshRunDir(dirs.runs, 'ours');
    const gdcmOut = freshRunDir(dirs.runs, 'gdcmanon');
    settleWrites();
    const ourRun = await timed(...command(dirs.input, oursOut));
    const run = JSON.parse(ourRun.stdout.trim().split('\n').pop()!) as DirectoryRunFigures;
    if (!ours || ourRun.seconds < ours.seconds) ours = { seconds: ourRun.seconds, peakRssMb: ourRun.peakRssMb ?? run.maxRssKb / 1024, run, outputs: readdirSync(oursOut).length };
    let gdcmSeconds = '';
    let gdcmanonSeconds: number | null = null;
    if (cert) {
      settleWrites();
      const gdcmRun = await timed('gdcmanon', ['-e', '-c', cert, '--continue', '-r', '-i', dirs.input, '-o', gdcmOut]);
      if (!gdcm || gdcmRun.seconds < gdcm.seconds) gdcm = { ...gdcmRun, outputs: readdirSync(gdcmOut).length };
      gdcmSeconds = `, gdcmanon ${gdcmRun.seconds.toFixed(2)} s`;
      gdcmanonSeconds = gdcmRun.seconds;
    }
    const more = afterRound ? `, ${afterRound({ inputDir: dirs.input, runsDir: dirs.runs, gdcmanonSeconds })}` : '';
    log(`round ${round + 1}/${rounds}: ours ${ourRun.seconds.toFixed(2)} s (${run.processingSeconds.toFixed(2)} s in-process)${gdcmSeconds}${more}`);
  }
  return { ours: ours!, gdcm };
}

/** Planted markers left by ours (Basic Profile alone, and the default options) and by gdcmanon. */
async function markerSurvival(dirs: BenchDirs, cert: string | null): Promise<DicomBenchFigures['markers']> {
  const fixture = buildMarkerFixture();
  const markerIn = join(dirs.marker, 'marker.dcm');
  writeFileSync(markerIn, fixture.bytes);
  const ours = (options: DicomDeidOptions) => {
    const result = deidentifyDicom(fixture.bytes, { key: probeKey, options, mrnSystemForIssuer: () => 'urn:x' });
    return result.outcome === 'ok' ? survivingMarkers(result.output, fixture.markers) : fixture.markers;
  };
  const basic = ours({ ...DEFAULT_DICOM_DEID_OPTIONS, retainLongitudinalModifiedDates: false });
  const withDates = ours(DEFAULT_DICOM_DEID_OPTIONS);
  let gdcm: PlantedMarker[] | null = null;
  if (cert) {
    const markerOut = join(dirs.marker, 'marker-gdcmanon.dcm');
    await timed('gdcmanon', ['-e', '-c', cert, '-i', markerIn, '-o', markerOut]);
    gdcm = survivingMarkers(readFileSync(markerOut), fixture.markers);
  }
  return {
    planted: fixture.markers.length,
    oursBasic: basic.length,
    oursDefault: withDates.length,
    oursDefaultNonTime: withDates.filter((marker) => marker.vr !== 'TM').length,
    gdcmanon: gdcm?.length ?? null,
    gdcmanonByLocation: gdcm ? countBy(gdcm, (marker) => marker.location) : null,
  };
}

/**
 * Generates `files` instances under `workDir` (which it empties), de-identifies them with ours
 * and with gdcmanon (`rounds` alternating runs, best kept; 3 by default), prints the figures.
 */
export async function benchDicomDeid(
  workDir: string,
  opts: { files: number; rounds?: number; log?: (line: string) => void; ourCommand?: OurCommand; afterRound?: AfterRound },
): Promise<DicomBenchFigures> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const dirs: BenchDirs = { input: join(workDir, 'input'), runs: join(workDir, 'runs'), marker: join(workDir, 'marker') };
  rmSync(workDir, { recursive: true, force: true });
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  const workload = generateWorkload(dirs, opts.files);
  const { inputBytes } = workload;
  log(`workload: ${opts.files} files, ${(inputBytes / 1e6).toFixed(1)} MB from ${workload.templates} templates, ${workload.encapsulated} with encapsulated pixel data`);

  const cert = gdcmanonAvailable() ? selfSignedCertificate(workDir) : null;
  if (!cert) log('gdcmanon: not installed, comparison skipped');
  const best = await runRounds(dirs, cert, Math.max(1, opts.rounds ?? 3), log, opts.ourCommand ?? tsxWorker, opts.afterRound);
  const { run } = best.ours;
  const ours = {
    ...figures('dataspace deidentifyDicom', opts.files, inputBytes, best.ours.outputs, best.ours.seconds, best.ours.peakRssMb),
    processingSeconds: run.processingSeconds,
    outcomes: run.outcomes,
  };
  const gdcm = best.gdcm ? figures('gdcmanon -e (GDCM)', opts.files, inputBytes, best.gdcm.outputs, best.gdcm.seconds, best.gdcm.peakRssMb) : null;
  const speedRatio = gdcm ? ours.filesPerSecond / gdcm.filesPerSecond : null;
  const markers = await markerSurvival(dirs, cert);

  const mb = (value: number | null) => (value === null ? '?' : value.toFixed(0));
  log(`ours: ${ours.wallSeconds.toFixed(2)} s wall incl. node start-up, ${ours.filesPerSecond.toFixed(0)} files/s, ${ours.megabytesPerSecond.toFixed(1)} MB/s; in-process ${run.processingSeconds.toFixed(2)} s = ${(opts.files / run.processingSeconds).toFixed(0)} files/s; peak RSS ${mb(ours.peakRssMb)} MB; outcomes ${JSON.stringify(run.outcomes)}`);
  if (gdcm && speedRatio !== null) {
    log(`gdcmanon: ${gdcm.wallSeconds.toFixed(2)} s wall, ${gdcm.filesPerSecond.toFixed(0)} files/s, ${gdcm.megabytesPerSecond.toFixed(1)} MB/s, peak RSS ${mb(gdcm.peakRssMb)} MB, ${gdcm.outputs} outputs`);
    log(`ratio ours/gdcmanon: ${speedRatio.toFixed(2)}x files/s by wall time; ${(opts.files / run.processingSeconds / gdcm.filesPerSecond).toFixed(2)}x counting our in-process time`);
  }
  log(`markers surviving (of ${markers.planted}): ours Basic ${markers.oursBasic}, ours default ${markers.oursDefault} (${markers.oursDefaultNonTime} other than TM), gdcmanon ${markers.gdcmanon ?? 'n/a'} ${JSON.stringify(markers.gdcmanonByLocation ?? {})}`);
  return {
    files: opts.files,
    inputDir: dirs.input,
    runsDir: dirs.runs,
    inputMegabytes: inputBytes / 1e6,
    templates: workload.templates,
    encapsulatedShare: workload.encapsulated / opts.files,
    ours,
    gdcmanon: gdcm,
    speedRatio,
    markers,
  };
}
