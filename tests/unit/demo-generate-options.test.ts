// Options of generateConsortium: part size, progress, cancellation, bad input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateConsortium } from '../../main/demo/index.ts';
import { siteProfileFor } from '../../main/demo/site-profile.ts';
import { CancellationError, InvalidInputError } from '../../main/util/errors.ts';

const withTemp = async (fn: (dir: string) => Promise<void>) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsn-demo-opt-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

test('rolls NDJSON files over into numbered parts, puts the repeated part after them, and reports progress', () =>
  withTemp(async (dir) => {
    const progress: number[] = [];
    const report = await generateConsortium({
      outDir: dir, institutions: ['clinic-a'], patients: 30, seed: 3, maxResourcesPerFile: 100,
      onProgress: (p) => progress.push(p.patientsDone),
    });
    const fhir = join(dir, 'clinic-a', 'fhir');
    const observations = readdirSync(fhir).filter((f) => f.startsWith('Observation.')).sort();
    assert.ok(observations.length > 2);
    assert.deepEqual(observations, observations.map((_, i) => `Observation.${String(i).padStart(3, '0')}.ndjson`));
    for (const f of observations.slice(0, -1)) assert.equal(readFileSync(join(fhir, f), 'utf8').split('\n').length - 1, 100);
    const conditions = readdirSync(fhir).filter((f) => f.startsWith('Condition.')).sort();
    const duplicate = report.defects.find((d) => d.reason === 'duplicate-resource')!;
    assert.equal(duplicate.file, `clinic-a/fhir/${conditions.at(-1)}`);
    assert.deepEqual(progress.at(0), 0);
    assert.deepEqual(progress.at(-1), 30);
  }));

test('derives a profile for an unknown institution from the seed, the same every time', () => {
  assert.deepEqual(siteProfileFor('clinic-a', 3), siteProfileFor('clinic-a', 3));
  assert.notDeepEqual(siteProfileFor('clinic-a', 3), siteProfileFor('clinic-a', 4));
  assert.equal(siteProfileFor('embl', 3).diagnosisCoding, 'snomed-ct');
});

test('stops with a CancellationError when the signal is aborted', () =>
  withTemp(async (dir) => {
    const controller = new AbortController();
    await assert.rejects(
      generateConsortium({
        outDir: dir, institutions: ['ukhd'], patients: 500, seed: 1, signal: controller.signal,
        onProgress: (p) => { if (p.patientsDone >= 100) controller.abort(); },
      }),
      CancellationError,
    );
  }));

test('rejects bad institution names and a non-empty institution folder', () =>
  withTemp(async (dir) => {
    await assert.rejects(generateConsortium({ outDir: dir, institutions: ['../evil'], patients: 1, seed: 1 }), InvalidInputError);
    await assert.rejects(generateConsortium({ outDir: dir, institutions: ['a', 'a'], patients: 1, seed: 1 }), InvalidInputError);
    await generateConsortium({ outDir: dir, institutions: ['a'], patients: 1, seed: 1 });
    await assert.rejects(generateConsortium({ outDir: dir, institutions: ['a'], patients: 1, seed: 1 }), InvalidInputError);
  }));
