// The byte scanner is a fast path: whatever line it reads, the tokenizer must read the same way (and
// must not call malformed). Checked on every data line of the shared VCF corpus, on random mutations of
// typical lines, and through whole-file summaries and reports against `readVcf`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVcf, scanVcf } from './read-vcf.ts';
import { rawBatchLines, readVcfRawLines } from './vcf-line-stream.ts';
import { parseVcfRecord } from './vcf-record-parser.ts';
import type { VcfRecordContext } from './vcf-record-parser.ts';
import { VcfSampleStats } from './vcf-sample-stats.ts';
import type { VcfSampleSummary } from './vcf-sample-stats.ts';
import { VcfSiteScanner } from './vcf-site-scanner.ts';
import type { VcfSite } from './vcf-site-scanner.ts';
import type { VcfIssue } from './vcf-types.ts';
import { seededUniform } from '../../util/seeded-random.ts';

const SHARED_VCF = fileURLToPath(new URL('../../../../shared/data/vcf/', import.meta.url));
const SKIP_REASON = 'shared VCF test data (../shared/data/vcf) is absent';

function vcfFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...vcfFilesUnder(path));
    else if (/\.(vcf|vcf\.gz|vcf\.bgz)$/.test(name)) out.push(path);
  }
  return out.sort();
}

/** The scanner's reading of a line must equal the tokenizer's; returns whether the scanner read it. */
function checkLine(scanner: VcfSiteScanner, bytes: Buffer, start: number, end: number, ctx: VcfRecordContext, where: string): boolean {
  if (!scanner.scan(bytes, start, end)) return false;
  const site: VcfSite = scanner.current;
  const text = bytes.toString('utf8', start, end);
  const parsed = parseVcfRecord(text, 1, ctx);
  assert.ok(typeof parsed !== 'string', `${where}: the scanner read a line the tokenizer rejects (${String(parsed)}): ${JSON.stringify(text)}`);
  const { chrom, pos, end: last, ref, alt, genotypes } = parsed;
  assert.deepEqual(
    { chrom: site.chrom, pos: site.pos, end: site.end, ref: site.ref, alt: [...site.alt], genotypes: [...site.genotypes] },
    { chrom, pos, end: last, ref, alt: [...alt], genotypes: [...genotypes] },
    `${where}: ${JSON.stringify(text)}`,
  );
  genotypes.forEach((gt, s) => {
    const code = site.codes[s]!;
    const allele = (a: number) => (a < 0 ? 10 : a);
    const expected = gt!.alleles.length === 1 ? 121 + allele(gt!.alleles[0]!) : allele(gt!.alleles[0]!) * 11 + allele(gt!.alleles[1]!);
    assert.equal(code, expected, `${where}: genotype code of sample ${s + 1}`);
  });
  return true;
}

test('every data line of the shared corpus that the scanner reads, the tokenizer reads the same way', async (t) => {
  if (!existsSync(SHARED_VCF)) return t.skip(SKIP_REASON);
  let read = 0;
  let declined = 0;
  let files = 0;
  for (const path of vcfFilesUnder(SHARED_VCF)) {
    let ctx: VcfRecordContext | null = null;
    let scanner: VcfSiteScanner | null = null;
    try {
      for await (const batch of readVcfRawLines(path)) {
        const lines = rawBatchLines(batch);
        for (let i = 0; i < batch.count; i++) {
          if (ctx === null || scanner === null) {
            const text = lines[i]!;
            if (text.startsWith('#CHROM')) {
              const columns = text.split('\t').length;
              ctx = { sampleCount: Math.max(0, columns - 9), hasFormatColumn: columns > 8 };
              scanner = new VcfSiteScanner(ctx);
            }
            continue;
          }
          if (checkLine(scanner, batch.bytes, batch.starts[i]!, batch.ends[i]!, ctx, `${path}:${batch.firstLine + i}`)) read += 1;
          else declined += 1;
        }
      }
      files += 1;
    } catch (error) {
      if (error instanceof assert.AssertionError) throw error;
      // Files the line stream refuses (corrupt compression, binary) are the reader's tests' business.
    }
  }
  t.diagnostic(`${files} files: ${read} lines read by the scanner, ${declined} left to the tokenizer`);
  assert.ok(read > 10_000 && declined > 1_000, `read ${read}, declined ${declined}`);
});


test('on random mutations of typical lines, the scanner never reads a line differently from the tokenizer', () => {
  const ctx: VcfRecordContext = { sampleCount: 3, hasFormatColumn: true };
  const scanner = new VcfSiteScanner(ctx);
  const lines = [
    'chr1\t100\trs1\tA\tG\t50\tPASS\tAC=1;DP=3\tGT:DP\t0/1:10\t1|1:12\t./.:0',
    'chr1\t200\t.\tC\tT,G\t.\tPASS\t.\tGT\t1/2\t0|2\t0/.',
    'chr2\t300\t.\tGA\tG,*\t1.5\tq10\tEND5=1\tGT:AD\t0\t1:3,4\t.',
    'chrX\t400\t\tT\t.\t\t\t\tGT\t0/0\t0|0\t.|.',
  ];
  const alphabet = '\t\t\t::/|..,,**AaCGTNRE=ND0123456789#<>- \rx';
  const next = seededUniform(20261122); // fixed: a failure can be replayed
  let read = 0;
  for (let n = 0; n < 40_000; n++) {
    const chars = [...lines[n % lines.length]!];
    const edits = 1 + Math.floor(next() * 3);
    for (let e = 0; e < edits; e++) {
      const at = Math.floor(next() * (chars.length + 1));
      const c = alphabet[Math.floor(next() * alphabet.length)]!;
      const op = next();
      if (op < 0.5) chars[at] = c;
      else if (op < 0.8) chars.splice(at, 0, c);
      else chars.splice(at, 1);
    }
    const bytes = Buffer.from(`xx${chars.join('')}\n`);
    if (checkLine(scanner, bytes, 2, bytes.length - 1, ctx, `mutation ${n}`)) read += 1;
  }
  assert.ok(read > 5_000, `only ${read} mutated lines were read by the scanner`);
});

test('sites-only files and files without samples are scanned too', () => {
  const sitesOnly = new VcfSiteScanner({ sampleCount: 0, hasFormatColumn: false });
  const line = Buffer.from('chr1\t5\t.\tAC\tA\t.\tPASS\tDP=3');
  assert.ok(sitesOnly.scan(line, 0, line.length));
  assert.deepEqual({ pos: sitesOnly.current.pos, end: sitesOnly.current.end, alt: sitesOnly.current.alt }, { pos: 5, end: 6, alt: ['A'] });
  const extra = Buffer.from('chr1\t5\t.\tAC\tA\t.\tPASS\tDP=3\tGT');
  assert.ok(!sitesOnly.scan(extra, 0, extra.length), 'a ninth column in a sites-only file is the tokenizer\'s to report');
  const noSamples = new VcfSiteScanner({ sampleCount: 0, hasFormatColumn: true });
  assert.ok(noSamples.scan(extra, 0, extra.length));
});

async function summaries(path: string, fast: boolean): Promise<{ summaries: VcfSampleSummary[]; issues: VcfIssue[]; records: number; sites: number }> {
  let stats: VcfSampleStats | null = null;
  let samples = 0;
  const issues: VcfIssue[] = [];
  let records = 0;
  let sites = 0;
  if (!fast) {
    for await (const batch of readVcf(path)) {
      for (const event of batch) {
        if (event.kind === 'header') {
          samples = event.header.sampleIds.length;
          stats = new VcfSampleStats([...Array(samples).keys()]);
        } else if (event.kind === 'record') {
          records += 1;
          stats!.add(event);
        } else issues.push({ line: event.line, reason: event.reason });
      }
    }
  } else {
    await scanVcf(path, {
      header: (header) => {
        samples = header.sampleIds.length;
        stats = new VcfSampleStats([...Array(samples).keys()]);
      },
      needsRecord: () => false,
      site: (site) => {
        sites += 1;
        stats!.add(site);
      },
      record: (record) => {
        records += 1;
        stats!.add(record);
      },
      malformed: (issue) => issues.push({ line: issue.line, reason: issue.reason }),
    });
  }
  const done = stats as VcfSampleStats | null;
  return { summaries: Array.from({ length: samples }, (_, i) => done!.summary(i)), issues, records, sites };
}

test('scanVcf gives the summaries and malformed-line reports readVcf gives, file by file', async (t) => {
  const dirs = ['bcftools/test', 'htslib/test', 'pharmcat'].map((d) => join(SHARED_VCF, d)).filter(existsSync);
  if (dirs.length === 0) return t.skip(SKIP_REASON);
  let sites = 0;
  let compared = 0;
  for (const path of dirs.flatMap(vcfFilesUnder)) {
    let slow;
    try {
      slow = await summaries(path, false);
    } catch {
      continue; // refused files: both paths share the refusal (read-vcf.test.ts)
    }
    const fast = await summaries(path, true);
    assert.deepEqual(fast.summaries, slow.summaries, path);
    assert.deepEqual(fast.issues, slow.issues, path);
    assert.equal(fast.records + fast.sites, slow.records, path);
    sites += fast.sites;
    compared += 1;
  }
  t.diagnostic(`${compared} files agree; ${sites} lines went through the scanner`);
  assert.ok(compared > 100 && sites > 10_000, `${compared} files, ${sites} scanned lines`);
});

test('a line the visitor needs in full is delivered as a record, the rest as sites', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scan-vcf-'));
  try {
    const path = join(dir, 'a.vcf');
    writeFileSync(
      path,
      [
        '##fileformat=VCFv4.2',
        '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1',
        'chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1',
        'chr1\t200\t.\tA\tG\t.\tPASS\t.\tGT\t0/1',
        'chr1\t300\t.\tA\t<DEL>\t.\tPASS\tEND=400\tGT\t0/1',
        '',
      ].join('\n'),
    );
    const seen: string[] = [];
    await scanVcf(path, {
      header: () => undefined,
      needsRecord: (_chrom, pos) => pos === 200,
      site: (site) => seen.push(`site ${site.pos}`),
      record: (record) => seen.push(`record ${record.pos}`),
      malformed: (issue) => seen.push(`malformed ${issue.line}`),
    });
    assert.deepEqual(seen, ['site 100', 'record 200', 'record 300']);
    seen.length = 0;
    await scanVcf(path, {
      header: () => undefined,
      everyRecord: () => true,
      needsRecord: () => false,
      site: (site) => seen.push(`site ${site.pos}`),
      record: (record) => seen.push(`record ${record.pos}`),
      malformed: (issue) => seen.push(`malformed ${issue.line}`),
    });
    assert.deepEqual(seen, ['record 100', 'record 200', 'record 300'], 'everyRecord: no sites at all');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
