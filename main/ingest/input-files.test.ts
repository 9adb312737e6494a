import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InvalidInputError } from '../util/errors.ts';
import { detectInputKind, listInputFiles } from './input-files.ts';
import { peekInputBytes } from './input-text-stream.ts';

const dataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
const NO_DATA = `shared test data not found at ${dataDir}`;

const patientLine = JSON.stringify({ resourceType: 'Patient', id: 'p1' });

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'dataspace-input-files-'));
  try {
    await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('expands nested folders, skips dot entries, de-duplicates and sorts', async () => {
  await withTempDir(async (dir) => {
    await mkdir(join(dir, 'b/deeper/deepest'), { recursive: true });
    await mkdir(join(dir, '.hidden'));
    await writeFile(join(dir, 'b/deeper/deepest/z.ndjson'), patientLine);
    await writeFile(join(dir, 'b/a.json'), '{}');
    await writeFile(join(dir, 'a.txt'), 'hello');
    await writeFile(join(dir, '.DS_Store'), 'x');
    await writeFile(join(dir, '.hidden/secret.json'), '{}');
    await symlink(join(dir, 'b'), join(dir, 'b/deeper/loop')); // a symlink loop
    await symlink(join(dir, 'a.txt'), join(dir, 'link-to-a.txt')); // the same file twice
    await symlink(join(dir, 'missing'), join(dir, 'dangling'));

    const files = await listInputFiles([dir, join(dir, 'a.txt'), join(dir, 'b')]);
    assert.deepEqual(
      files.map((file) => file.path),
      [join(dir, 'a.txt'), join(dir, 'b/a.json'), join(dir, 'b/deeper/deepest/z.ndjson')],
    );
    assert.equal(files[0]?.bytes, 5);
    assert.ok((files[0]?.mtimeMs ?? 0) > 0);
  });
});

test('a path that does not exist is an InvalidInputError naming the path', async () => {
  const missing = join(tmpdir(), 'dataspace-does-not-exist', 'export.ndjson');
  await assert.rejects(listInputFiles([missing]), (error: unknown) => {
    assert.ok(error instanceof InvalidInputError);
    assert.equal(error.file, missing);
    assert.match(error.message, /does not exist/);
    return true;
  });
  await assert.rejects(detectInputKind(missing), InvalidInputError);
});

test('a peek stops after the first few KB only when the caller can decide from them, and never for gzip', async () => {
  await withTempDir(async (dir) => {
    const bytes = Buffer.alloc(100_000, 0x61);
    bytes.write('DICM', 128, 'latin1');
    await writeFile(join(dir, 'plain'), bytes);
    await writeFile(join(dir, 'plain.gz'), gzipSync(bytes));
    const seen: number[] = [];
    const decides = (answer: boolean) => (head: Buffer) => {
      seen.push(head.length);
      return answer;
    };
    assert.deepEqual(await peekInputBytes(join(dir, 'plain'), 65_536, decides(true)), bytes.subarray(0, 4096));
    assert.deepEqual(await peekInputBytes(join(dir, 'plain'), 65_536, decides(false)), bytes.subarray(0, 65_536));
    assert.deepEqual(await peekInputBytes(join(dir, 'plain'), 65_536), bytes.subarray(0, 65_536));
    assert.deepEqual(seen, [4096, 4096]);
    assert.deepEqual(await peekInputBytes(join(dir, 'plain.gz'), 65_536, decides(true)), bytes.subarray(0, 65_536));
    assert.deepEqual(seen, [4096, 4096], 'gzip content is not offered to the caller before it is inflated');
    // Shorter than the first read: the whole file, and no second read.
    await writeFile(join(dir, 'short'), bytes.subarray(0, 1000));
    assert.deepEqual(await peekInputBytes(join(dir, 'short'), 65_536, decides(false)), bytes.subarray(0, 1000));
  });
});

test('detects FHIR JSON, NDJSON (by content, by name, gzipped) and unknown files', async () => {
  await withTempDir(async (dir) => {
    const bundle = JSON.stringify(
      { resourceType: 'Bundle', type: 'collection', entry: [] },
      null,
      2,
    );
    const cases: [string, string | Buffer, string][] = [
      ['bundle.json', bundle, 'fhir-json'],
      ['bom.json', `\uFEFF  ${bundle}`, 'fhir-json'],
      ['one-line.json', patientLine, 'fhir-json'],
      ['export-no-extension', `${patientLine}\n${patientLine}\n`, 'fhir-ndjson'],
      ['crlf.txt', `${patientLine}\r\n${patientLine}\r\n`, 'fhir-ndjson'],
      ['Patient.000.ndjson', `${patientLine}\n`, 'fhir-ndjson'],
      ['empty.ndjson', '', 'fhir-ndjson'],
      ['export.ndjson.gz', gzipSync(`${patientLine}\n${patientLine}\n`), 'fhir-ndjson'],
      ['bundle.json.gz', gzipSync(bundle), 'fhir-json'],
      ['notes.txt', 'Discharge summary, nothing structured.\n', 'unknown'],
      ['report.pdf', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'unknown'],
      ['empty.json', '', 'unknown'],
      ['array.json', '[1, 2, 3]', 'unknown'],
    ];
    for (const [name, content, expected] of cases) {
      await writeFile(join(dir, name), content);
      assert.equal(await detectInputKind(join(dir, name)), expected, name);
    }
  });
});

test('detects a VCF by its fileformat line, also bgzipped, and a DICOM preamble', async () => {
  await withTempDir(async (dir) => {
    const vcf = '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\n';
    await writeFile(join(dir, 'calls'), vcf);
    await writeFile(
      join(dir, 'calls.vcf.gz'),
      Buffer.concat([gzipSync(vcf), gzipSync('1\t100\t.\tA\tG\n')]),
    );
    const dicom = Buffer.alloc(200);
    dicom.write('DICM', 128, 'latin1');
    await writeFile(join(dir, 'IM0001'), dicom);
    assert.equal(await detectInputKind(join(dir, 'calls')), 'vcf');
    assert.equal(await detectInputKind(join(dir, 'calls.vcf.gz')), 'vcf');
    assert.equal(await detectInputKind(join(dir, 'IM0001')), 'dicom');
  });
});

test('detects real DICOM files: with preamble, without (LE, BE, implicit), DICOMDIR, deflated', async (t) => {
  if (!existsSync(join(dataDir, 'dicom'))) return t.skip(NO_DATA);
  const pydicom = join(dataDir, 'dicom/pydicom/src/pydicom/data/test_files');
  const samples = [
    join(pydicom, 'CT_small.dcm'),
    join(pydicom, 'MR_small_bigendian.dcm'),
    join(pydicom, 'ExplVR_LitEndNoMeta.dcm'), // no preamble, explicit VR little endian
    join(pydicom, 'ExplVR_BigEndNoMeta.dcm'), // no preamble, explicit VR big endian
    join(pydicom, 'rtstruct.dcm'), // no preamble, implicit VR
    join(dataDir, 'dicom/pydicom-data/data_store/data/OT-PAL-8-face.dcm'), // no preamble, group length first
    join(pydicom, 'dicomdirtests/DICOMDIR'),
    join(pydicom, 'dicomdirtests/77654033/CR1/6154'), // no extension
    join(dataDir, 'dicom/dicomparser/testImages/deflate/image_dfl'),
  ];
  for (const path of samples) assert.equal(await detectInputKind(path), 'dicom', path);
  assert.equal(await detectInputKind(join(pydicom, 'dicomdirtests/TINY_ALPHA/README')), 'unknown');
});

test('detects real VCF files, plain and bgzipped', async (t) => {
  if (!existsSync(join(dataDir, 'vcf'))) return t.skip(NO_DATA);
  const samples = [
    'vcf/pharmcat/pharmcat_positions.vcf',
    'vcf/pharmcat/pharmcat_positions.vcf.bgz',
    'vcf/htslib/test/modhdr.vcf.gz',
    'vcf/bcftools/test/roh.1.vcf.gz',
    'vcf/pharmcat/src/test/resources/org/pharmgkb/pharmcat/reference.vcf',
  ];
  for (const path of samples) assert.equal(await detectInputKind(join(dataDir, path)), 'vcf', path);
  assert.equal(
    await detectInputKind(join(dataDir, 'vcf/pharmcat/preprocessor/tests/raw.bcf')),
    'unknown',
  );
});

test('detects every shared FHIR file as FHIR JSON or NDJSON', async (t) => {
  if (!existsSync(join(dataDir, 'fhir'))) return t.skip(NO_DATA);
  const files = await listInputFiles([join(dataDir, 'fhir')]);
  for (const file of files) {
    const kind = await detectInputKind(file.path);
    if (file.path.endsWith('.ndjson')) assert.equal(kind, 'fhir-ndjson', file.path);
    else if (file.path.endsWith('.json')) assert.equal(kind, 'fhir-json', file.path);
    else assert.equal(kind, 'unknown', file.path);
  }
});
