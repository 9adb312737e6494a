import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVcf } from './read-vcf.ts';
import { VcfSampleStats } from './vcf-sample-stats.ts';
import type { VcfSampleSummary } from './vcf-sample-stats.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BCFTOOLS_TESTS = join(REPO, '../shared/data/vcf/bcftools/test');
const HAS_BCFTOOLS = spawnSync('bcftools', ['--version'], { stdio: 'ignore' }).status === 0;

async function summarize(path: string): Promise<VcfSampleSummary[]> {
  let stats: VcfSampleStats | null = null;
  let samples = 0;
  for await (const batch of readVcf(path)) {
    for (const event of batch) {
      if (event.kind === 'header') {
        samples = event.header.sampleIds.length;
        stats = new VcfSampleStats([...Array(samples).keys()]);
      } else if (event.kind === 'record') {
        stats!.add(event);
      }
    }
  }
  return Array.from({ length: samples }, (_, i) => stats!.summary(i));
}

// Each line's effect on S1 / S2 is worked out by hand in the comments.
const HAND_MADE = [
  '##fileformat=VCFv4.2',
  '##contig=<ID=chr1,length=248956422>',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2',
  'chr1\t100\t.\tA\tG\t.\tPASS\t.\tGT\t0/1\t1/1', // A>G transition: S1 het, S2 hom-alt
  'chr1\t200\t.\tC\tT\t.\tPASS\t.\tGT\t1|1\t0/0', // C>T transition: S1 hom-alt (phased), S2 hom-ref
  'chr1\t300\t.\tA\tC\t.\tPASS\t.\tGT\t0/1\t./.', // A>C transversion: S1 het, S2 missing
  'chr1\t400\t.\tG\tT,C\t.\tPASS\t.\tGT\t1/2\t0/1', // multi-allelic transversions: both het
  'chr1\t500\t.\tAT\tA\t.\tPASS\t.\tGT\t0/1\t0/0', // deletion: S1 het
  'chr1\t600\t.\tA\tATT\t.\tPASS\t.\tGT\t1/1\t0/.', // insertion: S1 hom-alt, S2 partial
  'chr1\t700\t.\tC\t<DEL>\t.\tPASS\tEND=800\tGT\t0/1\t0/0', // symbolic: S1 het, counted as other
  'chr1\t900\t.\tT\t.\t.\tPASS\t.\tGT\t0/0\t0/0', // no ALT: both hom-ref
].join('\n');

test('summary statistics of a hand-made VCF match the hand count', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vcf-stats-'));
  try {
    const path = join(dir, 'hand.vcf');
    writeFileSync(path, `${HAND_MADE}\n`);
    const [s1, s2] = await summarize(path);
    assert.deepEqual(s1, {
      records: 8,
      called: 8,
      partial: 0,
      missing: 0,
      homRef: 1,
      het: 5,
      homAlt: 2,
      haploidRef: 0,
      haploidAlt: 0,
      snvs: 4,
      indels: 2,
      otherVariants: 1,
      multiAllelicSites: 1,
      transitions: 2,
      transversions: 2,
      tiTv: 1,
      hetHomRatio: 2.5,
      callRate: 1,
    });
    assert.deepEqual(s2, {
      records: 8,
      called: 6,
      partial: 1,
      missing: 1,
      homRef: 4,
      het: 1,
      homAlt: 1,
      haploidRef: 0,
      haploidAlt: 0,
      snvs: 2,
      indels: 0,
      otherVariants: 0,
      multiAllelicSites: 1,
      transitions: 1,
      transversions: 1,
      tiTv: 1,
      hetHomRatio: 1,
      callRate: 0.75,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** bcftools stats per-sample counts (PSC): nRefHom nNonRefHom nHets nTransitions nTransversions nIndels ... nMissing. */
function bcftoolsPsc(path: string): Map<string, number[]> {
  const out = spawnSync('bcftools', ['stats', '-s', '-', path], { encoding: 'utf8' });
  const rows = new Map<string, number[]>();
  for (const line of out.stdout.split('\n')) {
    if (!line.startsWith('PSC\t')) continue;
    const cols = line.split('\t');
    rows.set(cols[2]!, cols.slice(3).map(Number));
  }
  return rows;
}

test('per-sample counts agree with bcftools stats on real test files', async (t) => {
  if (!HAS_BCFTOOLS) {
    t.skip('bcftools is not installed');
    return;
  }
  if (!existsSync(BCFTOOLS_TESTS)) {
    t.skip('bcftools test files not present at ../shared/data/vcf/bcftools');
    return;
  }
  // SNP-only files: PSC genotype counts cover SNP sites only, so they are comparable here in full.
  for (const name of ['roh.1.vcf.gz', 'stats.a.vcf']) {
    const path = join(BCFTOOLS_TESTS, name);
    const psc = [...bcftoolsPsc(path).values()];
    const ours = await summarize(path);
    assert.equal(ours.length, psc.length, name);
    ours.forEach((s, i) => {
      const [refHom, nonRefHom, hets, ti, tv, indels] = psc[i]!;
      const missing = psc[i]![10];
      assert.deepEqual(
        [s.homRef, s.homAlt, s.het, s.transitions, s.transversions, s.indels, s.missing],
        [refHom, nonRefHom, hets, ti, tv, indels, missing],
        `${name} sample ${i + 1}`,
      );
    });
    t.diagnostic(`${name}: ${ours.length} sample(s) match bcftools stats PSC`);
  }
  // With indels, PSC's genotype counts are SNP-only; transitions, transversions, indels and missing still compare.
  for (const name of ['indel-stats.vcf', 'view.chrs.vcf']) {
    const path = join(BCFTOOLS_TESTS, name);
    const psc = [...bcftoolsPsc(path).values()];
    const ours = await summarize(path);
    ours.forEach((s, i) => {
      const row = psc[i]!;
      assert.deepEqual(
        [s.transitions, s.transversions, s.indels, s.missing],
        [row[3], row[4], row[5], row[10]],
        `${name} sample ${i + 1}`,
      );
    });
  }
});
