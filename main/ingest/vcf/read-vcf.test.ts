import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CancellationError, InvalidInputError } from '../../util/errors.ts';
import { readVcf } from './read-vcf.ts';
import type { VcfEvent, VcfHeader, VcfIssue, VcfRecord } from './vcf-types.ts';

const HAS_BGZIP = spawnSync('bgzip', ['--version'], { stdio: 'ignore' }).status === 0;

const HEADER = [
  '##fileformat=VCFv4.3',
  '##contig=<ID=chr1,length=248956422>',
  '##INFO=<ID=END,Number=1,Type=Integer,Description="End position">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\tS3',
];
const RECORDS = [
  'chr1\t100\trs1\tA\tG\t50\tPASS\t.\tGT:DP\t0/1:10\t1|1:12\t./.:0', // unphased, phased, missing
  'chr1\t200\t.\tC\tT,G\t.\tPASS\t.\tGT\t1/2\t0|2\t0/.', // multi-allelic, partial
  'chr1\t300\t.\tG\t<DEL>\t.\tPASS\tEND=450\tGT\t0/1\t0/0\t1', // symbolic with END, haploid call
  'chr1\t500\t.\tT\t<NON_REF>\t.\t.\tEND=900\tGT\t0/0\t0/0\t0/0', // gVCF reference block
  'chr1\t1000\t.\tA\tC\t.\tPASS\t.\tGT:DP\t0/1\t.\t|0|1', // trailing fields dropped; VCF 4.4 phasing prefix
];

function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'read-vcf-'));
  return fn(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function readAll(path: string, opts = {}) {
  const events: VcfEvent[] = [];
  for await (const batch of readVcf(path, opts)) events.push(...batch);
  const header = events.find(
    (e): e is { kind: 'header'; header: VcfHeader } => e.kind === 'header',
  )?.header;
  const records = events.filter((e): e is VcfRecord => e.kind === 'record');
  const malformed = events.filter(
    (e): e is { kind: 'malformed' } & VcfIssue => e.kind === 'malformed',
  );
  return { events, header, records, malformed };
}

test('reads header, records and genotypes of every shape', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'shapes.vcf');
    writeFileSync(path, `${[...HEADER, ...RECORDS].join('\n')}\n`);
    const { events, header, records, malformed } = await readAll(path);
    assert.equal(events[0]!.kind, 'header');
    assert.deepEqual(header!.sampleIds, ['S1', 'S2', 'S3']);
    assert.equal(header!.fileformat, 'VCFv4.3');
    assert.equal(header!.meta[0]!.key, 'fileformat');
    assert.equal(header!.contigs.get('chr1')!.length, 248956422);
    assert.deepEqual(malformed, []);
    assert.equal(records.length, 5);
    const [r1, r2, r3, r4, r5] = records as [VcfRecord, VcfRecord, VcfRecord, VcfRecord, VcfRecord];
    assert.deepEqual(r1.genotypes, [
      { alleles: [0, 1], phased: false },
      { alleles: [1, 1], phased: true },
      { alleles: [-1, -1], phased: false },
    ]);
    assert.equal(r1.line, 7);
    assert.deepEqual(r2.alt, ['T', 'G']);
    assert.deepEqual(r2.genotypes[1], { alleles: [0, 2], phased: true });
    assert.deepEqual(r2.genotypes[2], { alleles: [0, -1], phased: false });
    assert.equal(r3.end, 450);
    assert.deepEqual(r3.genotypes[2], { alleles: [1], phased: true });
    assert.equal(r4.end, 900);
    assert.deepEqual(r5.genotypes[1], { alleles: [-1], phased: true });
    assert.deepEqual(r5.genotypes[2], { alleles: [0, 1], phased: true });
  });
});

test('plain, gzip, multi-member gzip and BGZF give the same events', async () => {
  await withTempDir(async (dir) => {
    const text = `${[...HEADER, ...RECORDS].join('\n')}\n`;
    const plain = join(dir, 'a.vcf');
    writeFileSync(plain, text);
    const gz = join(dir, 'a.vcf.gz');
    writeFileSync(gz, gzipSync(text));
    const multi = join(dir, 'multi.vcf.gz');
    const cut = text.indexOf('chr1\t200');
    writeFileSync(
      multi,
      Buffer.concat([gzipSync(text.slice(0, cut - 7)), gzipSync(text.slice(cut - 7))]),
    );
    const expected = (await readAll(plain)).records;
    assert.deepEqual((await readAll(gz)).records, expected);
    assert.deepEqual((await readAll(multi)).records, expected);
    if (HAS_BGZIP) {
      const bgz = join(dir, 'a.vcf.bgz');
      const out = spawnSync('bgzip', ['-c', plain]);
      writeFileSync(bgz, out.stdout);
      assert.deepEqual((await readAll(bgz)).records, expected);
    }
  });
});

test('reports malformed lines with their line number and a reason, and keeps reading', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'bad.vcf');
    const lines = [
      ...HEADER,
      'chr1\tabc\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/1\t0/1',
      'chr1\t10\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/1',
      'chr1\t11\t.\tA\tG\t.\tPASS\t.\tGT\t0/3\t0/1\t0/1',
      'chr1\t12\t.\tA\tG\t.\tPASS\t.\tGT\t0-1\t0/1\t0/1',
      'chr1\t13\t.\tA\tG!\t.\tPASS\t.\tGT\t0/1\t0/1\t0/1',
      'chr1\t14\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/1\t0/1',
    ];
    writeFileSync(path, `${lines.join('\n')}\n`);
    const { records, malformed } = await readAll(path);
    assert.deepEqual(
      records.map((r) => r.pos),
      [14],
    );
    assert.deepEqual(malformed, [
      { kind: 'malformed', line: 7, reason: 'POS is not a non-negative integer' },
      { kind: 'malformed', line: 8, reason: 'expected 12 tab-separated columns, found 11' },
      {
        kind: 'malformed',
        line: 9,
        reason: 'sample column 1: GT allele index exceeds the number of ALT alleles',
      },
      {
        kind: 'malformed',
        line: 10,
        reason: 'sample column 1: GT is not allele indices separated by / or |',
      },
      {
        kind: 'malformed',
        line: 11,
        reason: 'ALT allele is not bases, *, a symbolic <ID> or a breakend',
      },
    ]);
  });
});

test('rejects files that are not VCF with a reason', async () => {
  await withTempDir(async (dir) => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['empty.vcf', '', /empty/],
      ['text.vcf', 'hello world\nnot a vcf\n', /not a VCF file/],
      [
        'noformat.vcf',
        '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\nchr1\t1\t.\tA\tG\t.\t.\t.\n',
        /no ##fileformat/,
      ],
      ['v3.vcf', '##fileformat=VCFv3.3\n', /version is not supported/],
      ['binary.vcf', Buffer.from([0, 1, 2, 3, 0, 0, 7, 8, 9]), /not a VCF file/],
      [
        'bcf.vcf.gz',
        gzipSync(Buffer.concat([Buffer.from('BCF\u0002\u0002'), Buffer.alloc(20)])),
        /BCF/,
      ],
      ['bz2.vcf', Buffer.from('BZh91AY&SY'), /bzip2/],
      ['header-only-no-chrom.vcf', '##fileformat=VCFv4.2\n##contig=<ID=1>\n', /no #CHROM/],
      ['badcolumns.vcf', '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\n', /column line/],
      [
        'dupsamples.vcf',
        `##fileformat=VCFv4.2\n${HEADER[5]!.replace('S3', 'S1')}\n`,
        /repeats an earlier sample/,
      ],
      [
        'truncated.vcf.gz',
        gzipSync(`${HEADER.join('\n')}\n${RECORDS.join('\n')}\n`).subarray(0, 60),
        /corrupt or truncated/,
      ],
    ];
    for (const [name, content, reason] of cases) {
      const path = join(dir, name);
      writeFileSync(path, content);
      await assert.rejects(readAll(path), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, `${name}: ${String(error)}`);
        assert.match(error.message, reason, name);
        assert.doesNotMatch(
          error.message,
          /S1|S3|read-vcf-/,
          `${name}: the reason must not echo names or paths`,
        );
        return true;
      });
    }
    await assert.rejects(readAll(join(dir, 'missing.vcf')), /does not exist/);
  });
});

test('reports bytes read and stops when the signal aborts', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'big.vcf');
    const body = Array.from(
      { length: 20000 },
      (_, i) => `chr1\t${i + 1}\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t0/1\t0/1`,
    );
    writeFileSync(path, `${[...HEADER, ...body].join('\n')}\n`);
    let bytes = 0;
    const { records } = await readAll(path, { onBytes: (n: number) => (bytes += n) });
    assert.equal(records.length, 20000);
    assert.equal(bytes, statSync(path).size);

    const controller = new AbortController();
    let seen = 0;
    await assert.rejects(async () => {
      for await (const batch of readVcf(path, { signal: controller.signal })) {
        seen += batch.length;
        controller.abort();
      }
    }, CancellationError);
    assert.ok(seen < 20000);
  });
});

test('a data line spanning many decoded chunks (20,000 sample columns) is read whole, with the lines around it', async () => {
  await withTempDir(async (dir) => {
    const samples = 20_000;
    const names = Array.from({ length: samples }, (_, i) => `S${i + 1}`);
    const wide = `chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT:DP\t${names.map((_, i) => (i % 3 === 0 ? '0/1:30' : '0/0:30')).join('\t')}`;
    const text = [
      '##fileformat=VCFv4.3',
      '##contig=<ID=chr1,length=248956422>',
      `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${names.join('\t')}`,
      wide,
      wide.replace('\t100\t', '\t200\t'),
    ].join('\n');
    assert.ok(text.length > 4 * 64 * 1024, 'each line spans several 64 KiB chunks');
    const path = join(dir, 'wide.vcf.gz');
    writeFileSync(path, gzipSync(text)); // no final newline: the last line is flushed
    const { records, malformed } = await readAll(path);
    assert.deepEqual(malformed, []);
    assert.deepEqual(records.map((r) => [r.line, r.pos, r.samples.length]), [[4, 100, samples], [5, 200, samples]]);
    assert.equal(records[1]!.genotypes.filter((g) => g!.alleles[1] === 1).length, Math.ceil(samples / 3));
  });
});
