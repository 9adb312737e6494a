// The worked examples of PharmCAT's docs/methods/NamedAlleleMatcher-101.md, run through our port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareHaplotypeNames, matchDiplotypes } from './named-allele-matcher.ts';
import type { GeneDefinition } from './pgx-resources.ts';
import type { PgxSampleAllele } from './pgx-sample-allele.ts';

const refs = ['C', 'C', 'T', 'G', 'A'];
const DEFINITION: GeneDefinition = {
  gene: 'CYP2C19', // any called gene name; the table is the doc's
  chromosome: 'chr1',
  version: 'doc',
  positions: refs.map((ref, index) => ({
    index,
    pos: 100 + index,
    rsid: `rs${index + 1}`,
    ref,
    alts: [],
  })),
  alleles: [
    { name: '*1', reference: true, alleles: ['C', 'C', 'T', 'G', 'A'] },
    { name: '*2', reference: false, alleles: ['T', null, null, 'A', null] },
    { name: '*3', reference: false, alleles: [null, null, null, 'A', null] },
    { name: '*4', reference: false, alleles: [null, 'T', null, null, null] },
    { name: '*5', reference: false, alleles: ['T', null, null, null, null] },
  ],
  suballeles: {},
};

function unphased(call: string | null): PgxSampleAllele | undefined {
  if (call === null) return undefined;
  const [a, b] = call.split('/') as [string, string];
  return {
    computed1: a,
    computed2: b,
    phased: false,
    effectivelyPhased: a === b,
    phaseSet: null,
    call,
  };
}

function top(calls: (string | null)[]) {
  const outcome = matchDiplotypes(DEFINITION, calls.map(unphased));
  assert.equal(outcome.kind, 'matched');
  if (outcome.kind !== 'matched') return [];
  return outcome.candidates.map((c) => `${c.haplotypes.join('/')}=${c.score}`).sort();
}

test('unphased C/T C/C T/T A/G A/A is *1/*2 (score 7), not *3/*5', () => {
  assert.deepEqual(top(['C/T', 'C/C', 'T/T', 'A/G', 'A/A']), ['*1/*2=7']);
});

test('a missing position is dropped, not read as reference: without rs5 the score is 6', () => {
  assert.deepEqual(top(['C/T', 'C/C', 'T/T', 'A/G', null]), ['*1/*2=6']);
});

test('without rs1, *1/*2 and *1/*3 tie and both are returned; *5 cannot be matched', () => {
  assert.deepEqual(top([null, 'C/C', 'T/T', 'A/G', 'A/A']), ['*1/*2=5', '*1/*3=5']);
});

test('phased strands are not permuted', () => {
  const phased = (a: string, b: string): PgxSampleAllele => ({
    computed1: a,
    computed2: b,
    phased: true,
    effectivelyPhased: true,
    phaseSet: null,
    call: `${a}|${b}`,
  });
  const outcome = matchDiplotypes(DEFINITION, [
    phased('T', 'C'),
    phased('C', 'C'),
    phased('T', 'T'),
    phased('G', 'A'),
    phased('A', 'A'),
  ]);
  // strand 1 carries rs1 T only (*5), strand 2 rs4 A only (*3)
  assert.deepEqual(
    outcome.kind === 'matched' ? outcome.candidates.map((c) => c.haplotypes.join('/')) : [],
    ['*3/*5'],
  );
});

test('allele names sort naturally', () => {
  assert.deepEqual(['*17', '*2', '*1', '*10', '*4B', '*4'].sort(compareHaplotypeNames), [
    '*1',
    '*2',
    '*4',
    '*4B',
    '*10',
    '*17',
  ]);
  assert.ok(compareHaplotypeNames('Reference', 'c.1156G>T (*12)') < 0);
});
