// Every file of the shared public corpus (../shared/data/dicom, incl. 237 fuzzed files) must
// de-identify, or be quarantined or rejected with a reason: never throw, never hang, never a
// partial output; every output parses with dcmdump and carries the input's pixel data bytes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { DicomDataset } from '../../ingest/dicom/dicom-dataset.ts';
import { elementValueBytes, findElement } from '../../ingest/dicom/dicom-dataset.ts';
import { Tags } from '../../ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../ingest/dicom/read-dicom.ts';
import {
  SHARED_DICOM_DIR, dcmdumpAvailable, dcmdumpProblems, listFilesRecursively,
} from '../../ingest/dicom/shared-test-data.ts';
import { createPseudonymKey } from '../pseudonym-key.ts';
import { deidentifyDicom } from './deidentify-dicom.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from './dicom-deid-options.ts';

/** Generous: the slowest corpus file takes tens of milliseconds; a hang or blow-up takes far longer. */
const PER_FILE_BUDGET_MS = 5_000;
const key = createPseudonymKey(Buffer.alloc(32, 0x33));
const outputs: Array<{ file: string; path: string }> = [];
let workDir: string | null = null;

function pixelHash(dataset: DicomDataset): string | null {
  const element = findElement(dataset, Tags.PixelData) ?? findElement(dataset, Tags.FloatPixelData) ?? findElement(dataset, Tags.DoubleFloatPixelData);
  return element ? createHash('sha256').update(elementValueBytes(dataset, element)).digest('hex') : null;
}

test('every shared corpus file de-identifies or is quarantined or rejected with a reason, within budget', { timeout: 600_000 }, (t) => {
  if (!existsSync(SHARED_DICOM_DIR)) {
    t.skip('the shared DICOM corpus (../shared/data/dicom) is absent');
    return;
  }
  workDir = mkdtempSync(join(tmpdir(), 'dicom-corpus-'));
  const files = listFilesRecursively(SHARED_DICOM_DIR);
  assert.ok(files.length > 500, `expected the full corpus, found ${files.length} files`);
  const tally = new Map<string, number>();
  const count = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
  for (const path of files) {
    const file = relative(SHARED_DICOM_DIR, path);
    const input = readFileSync(path);
    const started = performance.now();
    const result = deidentifyDicom(input, { key, options: DEFAULT_DICOM_DEID_OPTIONS, mrnSystemForIssuer: () => 'urn:oid:2.16.840.1.113883.19.5' });
    const elapsed = performance.now() - started;
    assert.ok(elapsed < PER_FILE_BUDGET_MS, `${file} took ${elapsed.toFixed(0)} ms`);
    const corpus = file.startsWith('fuzz-pwnlabmx') ? 'fuzz' : 'real';
    count(`${corpus} ${result.outcome}`);
    if (result.outcome === 'rejected') {
      assert.ok(result.reason.length > 10, `${file}: empty reason`);
      assert.notEqual(result.code, 'internal', `${file}: ${result.reason}`);
      continue;
    }
    if (result.outcome === 'quarantine') {
      assert.ok(result.reason.length > 10, `${file}: empty quarantine reason`);
      assert.ok(!('output' in result), `${file}: quarantine must not carry output`);
      continue;
    }
    const before = readDicom(input);
    const after = readDicom(result.output);
    assert.ok(before.ok && after.ok, `${file}: output does not re-read`);
    assert.equal(after.transferSyntax, before.transferSyntax, `${file}: transfer syntax changed`);
    assert.equal(pixelHash(after.dataset), pixelHash(before.dataset), `${file}: pixel data changed`);
    assert.equal(result.summary.pixelDataSha256, pixelHash(before.dataset), `${file}: summary hash`);
    const out = join(workDir, `${outputs.length}.dcm`);
    writeFileSync(out, result.output);
    outputs.push({ file, path: out });
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries([...tally].sort()))}`);
  assert.ok((tally.get('real ok') ?? 0) > 120, 'the real DICOM files with a patient ID de-identify');
  assert.ok((tally.get('fuzz ok') ?? 0) > 100 && (tally.get('fuzz rejected') ?? 0) > 30, 'fuzz corpus: both accepted and refused cases');
});

test('known inputs get the expected decision', (t) => {
  if (!existsSync(SHARED_DICOM_DIR)) {
    t.skip('the shared DICOM corpus (../shared/data/dicom) is absent');
    return;
  }
  const expectations: Array<[string, string, string?]> = [
    ['fuzz-pwnlabmx/fuzz_corpus_v3/baseline/BASELINE_valid_ct.dcm', 'ok'],
    ['pydicom/src/pydicom/data/test_files/MR_truncated.dcm', 'rejected', 'malformed'],
    ['pydicom/src/pydicom/data/test_files/dicomdirtests/DICOMDIR', 'rejected', 'dicomdir'],
    ['pydicom/src/pydicom/data/test_files/SC_rgb_dcmtk_+eb+cr.dcm', 'quarantine'],
    ['fuzz-pwnlabmx/fuzz_corpus_v3/cat03_sequence_nesting/TC0277_missing_delim.dcm', 'rejected', 'malformed'],
    ['fuzz-pwnlabmx/fuzz_corpus_v3/cat05_transfer_syntax/TC0343_declares_explicit_data_implicit.dcm', 'ok'],
    ['pydicom/SOURCE.md', 'rejected', 'not-dicom'],
  ];
  for (const [file, outcome, code] of expectations) {
    const path = join(SHARED_DICOM_DIR, file);
    if (!existsSync(path)) continue;
    const result = deidentifyDicom(readFileSync(path), { key, options: DEFAULT_DICOM_DEID_OPTIONS, mrnSystemForIssuer: () => 'urn:x' });
    assert.equal(result.outcome, outcome, `${file}: ${result.outcome === 'ok' ? '' : result.reason}`);
    if (code && result.outcome === 'rejected') assert.equal(result.code, code, file);
  }
});

test('dcmdump parses every de-identified output without error', { timeout: 600_000 }, (t) => {
  if (!dcmdumpAvailable()) {
    t.skip('dcmdump (dcmtk) is not installed');
    return;
  }
  if (outputs.length === 0) {
    t.skip('no outputs: the shared DICOM corpus is absent');
    return;
  }
  try {
    for (const { file, path } of outputs) {
      const { status, problems } = dcmdumpProblems(path);
      assert.equal(status, 0, `${file}: dcmdump exit ${status}`);
      assert.deepEqual(problems, [], file);
    }
  } finally {
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  }
});
