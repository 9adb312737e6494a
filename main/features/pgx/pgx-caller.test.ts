import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseVcfRecord } from '../../ingest/vcf/vcf-record-parser.ts';
import { createPgxCaller } from './pgx-caller.ts';
import { loadPgxResources } from './pgx-resources.ts';
import type { GeneCall } from './call-gene.ts';
import type { CalledGene } from './pgx-genes.ts';

const resources = loadPgxResources();

interface SiteOverride {
  readonly gt?: string;
  readonly format?: string;
  readonly ref?: string;
  readonly alt?: string;
  readonly omit?: boolean;
}

/** VCF lines for every defining position of `gene` (hom-ref unless overridden), keyed by rsid or position. */
function geneLines(
  gene: CalledGene,
  overrides: Record<string, SiteOverride> = {},
  chromPrefix = true,
): string[] {
  const definition = resources.definitions.get(gene)!;
  const lines: string[] = [];
  for (const p of definition.positions) {
    const o = overrides[p.rsid ?? ''] ?? overrides[String(p.pos)] ?? {};
    if (o.omit) continue;
    const chrom = chromPrefix ? definition.chromosome : definition.chromosome.replace(/^chr/, '');
    const format = o.format ?? 'GT';
    lines.push(
      `${chrom}\t${p.pos}\t${p.rsid ?? '.'}\t${o.ref ?? p.ref}\t${o.alt ?? p.alts.join(',')}\t.\tPASS\t.\t${format}\t${o.gt ?? '0/0'}`,
    );
  }
  return lines;
}

function call(lines: string[], gene: string): GeneCall {
  const caller = createPgxCaller({ sampleIndices: [0] });
  lines.forEach((text, i) => {
    const record = parseVcfRecord(text, i + 1, { sampleCount: 1, hasFormatColumn: true });
    assert.notEqual(typeof record, 'string', `${text}: ${String(record)}`);
    if (typeof record !== 'string') caller.feed(record);
  });
  return caller.results()[0]!.genes.find((g) => g.gene === gene)!;
}

test('CYP2C19: reference everywhere is *38/*38; rs3758581 G/G makes it *1/*1 (CPIC: *38 is the reference sequence)', () => {
  assert.equal(call(geneLines('CYP2C19'), 'CYP2C19').diplotype, '*38/*38');
  const g = call(geneLines('CYP2C19', { rs3758581: { gt: '1/1' } }), 'CYP2C19');
  assert.deepEqual(
    [g.status, g.diplotype, g.phenotype, g.missingPositions],
    ['called', '*1/*1', 'Normal Metabolizer', 0],
  );
});

test('a position absent from the VCF is missing, never reference: alleles defined there become untestable', () => {
  const g = call(
    geneLines('CYP2C19', { rs3758581: { gt: '1/1' }, rs12248560: { omit: true } }),
    'CYP2C19',
  );
  assert.equal(g.diplotype, '*1/*1'); // as PharmCAT: called on the positions present ...
  assert.equal(g.missingPositions, 1);
  assert.equal(g.genotypes.find((p) => p.rsid === 'rs12248560')!.call, null);
  assert.ok(g.untestableAlleles.includes('*17')); // ... but *17 (defined only there) could not be tested
  assert.ok(g.notes.some((n) => n.includes('1 of 35 defining positions are missing')));
});

test('no-calls, lone reference alleles, REF mismatches and AD-contradicted hets are treated as missing', () => {
  const g = call(
    geneLines('CYP2C19', {
      rs3758581: { gt: '1/1' },
      rs12248560: { gt: './.' },
      rs28399504: { gt: '0/.' },
      rs4244285: { ref: 'T' },
      rs4986893: { gt: '0/1:0,30', format: 'GT:AD' },
    }),
    'CYP2C19',
  );
  assert.equal(g.missingPositions, 4);
  for (const rsid of ['rs12248560', 'rs28399504', 'rs4244285', 'rs4986893']) {
    assert.equal(g.genotypes.find((p) => p.rsid === rsid)!.call, null, rsid);
  }
  assert.ok(g.notes.some((n) => n.startsWith('rs4244285: treated as missing: REF in the VCF')));
  assert.ok(
    g.notes.some((n) => n.startsWith('rs4986893: treated as missing: GT is heterozygous but AD')),
  );
});

test('gVCF reference blocks give reference calls at the positions they cover', () => {
  const definition = resources.definitions.get('CYP2C19')!;
  const first = definition.positions[0]!.pos;
  const lines = [
    `chr10\t${first - 10}\t.\tA\t<NON_REF>\t.\t.\tEND=94842865\tGT\t0/0`,
    'chr10\t94842866\trs3758581\tA\tG,<NON_REF>\t.\tPASS\t.\tGT\t1/1',
    'chr10\t94842867\t.\tA\t<NON_REF>\t.\t.\tEND=94900000\tGT\t0/0',
  ];
  const g = call(lines, 'CYP2C19');
  assert.deepEqual([g.status, g.diplotype, g.missingPositions], ['called', '*1/*1', 0]);
});

test('chromosome names without chr are recognised', () => {
  assert.equal(
    call(geneLines('TPMT', { rs1142345: { gt: '0/1' }, rs1800460: { gt: '0/1' } }, false), 'TPMT')
      .diplotype,
    '*1/*3A',
  );
});

test('DPYD: unphased variants use CPIC lowest-function; phased variants on one strand form a combination', () => {
  // c.1905+1G>A (*2A, activity 0), c.2846A>T (0.5), c.85T>C (*9A, 1.0)
  const unphased = call(
    geneLines('DPYD', {
      rs3918290: { gt: '0/1' },
      rs67376798: { gt: '0/1' },
      rs1801265: { gt: '0/1' },
    }),
    'DPYD',
  );
  assert.equal(unphased.method, 'lowest-function');
  assert.equal(unphased.diplotype, 'c.1905+1G>A (*2A)/c.2846A>T');
  assert.deepEqual([unphased.phenotype, unphased.activityScore], ['Poor Metabolizer', 0.5]); // CPIC: activity score 0.5 is poor
  assert.equal(unphased.haplotypes!.length, 3);

  const phased = call(
    geneLines('DPYD', { rs3918290: { gt: '0|1' }, rs67376798: { gt: '0|1' } }),
    'DPYD',
  );
  assert.equal(phased.method, 'phased');
  assert.equal(phased.diplotype, 'Reference/c.1905+1G>A (*2A) + c.2846A>T');
  assert.deepEqual([phased.phenotype, phased.activityScore], ['Intermediate Metabolizer', 1]);
});

test('SLCO1B1 without a star-allele call falls back to rs4149056 (CPIC statin guideline)', () => {
  const definition = resources.definitions.get('SLCO1B1')!;
  const other = definition.positions.find(
    (p) => p.rsid !== 'rs4149056' && p.alts.length === 1 && p.alts[0]!.length === 1,
  )!;
  const novel = ['A', 'C', 'G', 'T'].find((b) => b !== other.ref && b !== other.alts[0])!;
  const g = call(
    geneLines('SLCO1B1', {
      rs4149056: { gt: '1/1' },
      [String(other.pos)]: { alt: novel, gt: '0/1' },
    }),
    'SLCO1B1',
  );
  assert.equal(g.status, 'indeterminate');
  assert.equal(g.phenotype, 'Poor Function');
  assert.ok(g.notes.some((n) => n.includes('rs4149056')));
});

test('CYP2D6 is reported as not callable from VCF', () => {
  const g = call(geneLines('CYP2C9'), 'CYP2D6');
  assert.equal(g.status, 'not-callable');
  assert.match(g.notes[0]!, /not callable from VCF/);
});

test('a multi-sample file gives each sample the same calls and notes as that sample alone', () => {
  // Alleles and notes are interned and shared between samples; each sample must still get exactly its own.
  const perSample: Record<string, SiteOverride>[] = [
    { rs3758581: { gt: '1/1' } },
    { rs3758581: { gt: '0/1' }, rs4244285: { gt: '0/1' }, rs12248560: { gt: './.' } },
    { rs3758581: { gt: '1|1' }, rs4986893: { gt: '0/.' }, rs28399504: { gt: '1/1' } },
    { rs12248560: { omit: true } },
    { rs3758581: { gt: '1/1' } }, // the same genotype as sample 1: its call comes from the cache
  ];
  const columns = perSample.map((o) => geneLines('CYP2C19', o));
  const byPos = new Map<string, string[]>();
  columns.forEach((lines, s) => {
    for (const line of lines) {
      const cells = line.split('\t');
      const key = cells.slice(0, 9).join('\t');
      const row = byPos.get(key) ?? new Array<string>(perSample.length).fill('./.');
      row[s] = cells[9]!;
      byPos.set(key, row);
    }
  });
  const caller = createPgxCaller({ sampleIndices: perSample.map((_, i) => i) });
  let n = 0;
  for (const [site, row] of byPos) {
    const record = parseVcfRecord(`${site}\t${row.join('\t')}`, ++n, { sampleCount: perSample.length, hasFormatColumn: true });
    assert.notEqual(typeof record, 'string', String(record));
    if (typeof record !== 'string') caller.feed(record);
  }
  assert.equal(caller.sampleCount, perSample.length);
  perSample.forEach((_, s) => {
    const together = caller.resultFor(s).genes.find((g) => g.gene === 'CYP2C19')!;
    // The absent position of sample 4 is a no-call ('./.') in the multi-sample file: compare with that.
    const alone = call(s === 3 ? geneLines('CYP2C19', { rs12248560: { gt: './.' } }) : columns[s]!, 'CYP2C19');
    assert.deepEqual(together, alone, `sample ${s + 1}`);
  });
  assert.notDeepEqual(
    caller.resultFor(0).genes.find((g) => g.gene === 'CYP2C19')!.diplotype,
    caller.resultFor(1).genes.find((g) => g.gene === 'CYP2C19')!.diplotype,
  );
});
