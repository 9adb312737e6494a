// The DICOM de-identification pool: with several files posted to each worker, every answer still
// reaches the file it belongs to, and a worker that dies fails only the file it was working on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deidentifyDicom } from '../deid/dicom/deidentify-dicom.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from '../deid/dicom/dicom-deid-options.ts';
import { syntheticCtInstance, writeInstanceWithDcmjs } from '../deid/dicom/marker-fixture.ts';
import { EMPTY_MRN_SYSTEM_MAPPING, resolveMrnSystem } from '../deid/dicom/mrn-system-mapping.ts';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import { DicomDeidPool, type DicomDeidResult } from './dicom-deid-pool.ts';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'dataspace-deid-pool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('each answer belongs to its own file when every worker has files waiting', async (t) => {
  const dir = tempDir(t);
  const secret = randomBytes(32);
  const init = { secret, options: { ...DEFAULT_DICOM_DEID_OPTIONS }, mrnSystems: EMPTY_MRN_SYSTEM_MAPPING, dataDir: join(dir, 'data') };
  const paths: string[] = [];
  for (let i = 0; i < 24; i++) {
    const path = join(dir, `in-${i}`);
    // Sizes differ, so the two workers finish out of step with the order of posting.
    const pixels = Buffer.alloc(128 + (i % 5) * 40_000, i);
    writeFileSync(path, writeInstanceWithDcmjs(syntheticCtInstance({
      '00080018': { vr: 'UI', Value: [`1.2.3.999.1.${i}`] },
      '00100020': { vr: 'LO', Value: [`MRN-${i}`] },
      '7FE00010': { vr: 'OW', Value: [pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.length)] },
    })));
    paths.push(path);
  }
  writeFileSync(join(dir, 'not-dicom'), 'hello');
  paths.splice(7, 0, join(dir, 'not-dicom'));

  const pool = new DicomDeidPool(init, 2);
  let results: DicomDeidResult[];
  try {
    results = await Promise.all(paths.map((path) => pool.run(path, 1e9)));
  } finally {
    await pool.close();
  }

  const key = createPseudonymKey(secret);
  for (const [i, path] of paths.entries()) {
    const result = results[i]!;
    const expected = deidentifyDicom(readFileSync(path), {
      key,
      options: init.options,
      mrnSystemForIssuer: (issuer) => resolveMrnSystem(init.mrnSystems, issuer).system,
    });
    assert.equal(result.outcome, expected.outcome === 'rejected' ? 'rejected' : expected.outcome, path);
    if (result.outcome !== 'ok' || expected.outcome !== 'ok') continue;
    assert.equal(result.outputSha256, createHash('sha256').update(expected.output).digest('hex'), path);
    assert.equal(result.pseudonym, expected.pseudonym, path);
    assert.equal(result.summary.sopInstanceUid, expected.summary.sopInstanceUid, path);
    assert.deepEqual(readFileSync(join(init.dataDir, result.relativePath)), expected.output, path);
  }
  assert.equal(results.filter((r) => r.outcome === 'ok').length, 24);
});

// A stand-in worker speaking the pool's protocol: it answers with the path it was given, and
// exits (as a crash would) on a path ending in "crash" without answering.
const STAND_IN = `
import { parentPort } from 'node:worker_threads';
parentPort.on('message', ({ type, id, path }) => {
  if (type === 'init') return;
  if (path.endsWith('crash')) process.exit(3);
  parentPort.postMessage({ id, bytesRead: 0, inputSha256: null, outcome: 'rejected', code: 'not-dicom', reason: path, offset: null });
});`;

test('a worker that dies fails only the file it was on; the files posted behind it go to a new worker', async (t) => {
  const dir = tempDir(t);
  const script = join(dir, 'stand-in.mjs');
  writeFileSync(script, STAND_IN);
  let started = 0;
  const pool = new DicomDeidPool({ secret: new Uint8Array(32), options: { ...DEFAULT_DICOM_DEID_OPTIONS }, mrnSystems: EMPTY_MRN_SYSTEM_MAPPING, dataDir: dir }, 1, (options) => {
    started++;
    return new Worker(script, options);
  });
  try {
    // One worker: "b" is posted to it behind "crash" before the crash happens.
    const outcomes = await Promise.allSettled(['a', 'crash', 'b', 'c'].map((name) => pool.run(name, 1)));
    assert.deepEqual(
      outcomes.map((o) => (o.status === 'fulfilled' ? (o.value as { reason: string }).reason : `failed: ${(o.reason as Error).message}`)),
      ['a', 'failed: the de-identification worker stopped (exit code 3)', 'b', 'c'],
    );
    assert.equal(started, 2, 'one replacement worker');
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.run('d', 1), /closed/);
});
