import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  CENSUS_TABULATED_ZIP3,
  RESTRICTED_ZIP3,
  ZIP3_CENSUS_YEAR,
  safeHarborZip3,
} from './restricted-zip3.ts';

const CENSUS = '../shared/data/deid/zip3-census2010';

function csv(path: string): string[][] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

test('the table is the 2010-Census derivation: 18 prefixes of 20,000 people or fewer, zero-population ones included', (t) => {
  assert.equal(ZIP3_CENSUS_YEAR, '2010');
  assert.deepEqual(
    [...RESTRICTED_ZIP3],
    [
      '036',
      '059',
      '102',
      '202',
      '203',
      '204',
      '205',
      '369',
      '556',
      '692',
      '753',
      '772',
      '821',
      '823',
      '878',
      '879',
      '884',
      '893',
    ],
  );
  if (!existsSync(CENSUS)) {
    t.skip(`census files not found at ${CENSUS}`);
    return;
  }
  const population = csv(`${CENSUS}/derived_zip3_population_census2010.csv`);
  assert.deepEqual([...CENSUS_TABULATED_ZIP3].sort(), population.map((r) => r[0]).sort());
  assert.deepEqual(
    [...RESTRICTED_ZIP3].sort(),
    population
      .filter((r) => Number(r[1]) <= 20_000)
      .map((r) => r[0])
      .sort(),
  );
  // The published derivation lists the same prefixes with their populations.
  const derived = csv(`${CENSUS}/derived_restricted_zip3_census2010.csv`)
    .filter((r) => Number(r[1]) <= 20_000)
    .map((r) => r[0]);
  assert.deepEqual(derived.sort(), [...RESTRICTED_ZIP3].sort());
});

test('restricted prefixes become 000; populous ones keep three digits', () => {
  assert.equal(safeHarborZip3('03601'), '000');
  assert.equal(safeHarborZip3('82190-1234'), '000');
  assert.equal(safeHarborZip3('20204'), '000', 'zero-population prefix');
  assert.equal(safeHarborZip3('02720'), '027');
  assert.equal(safeHarborZip3(' 021155678 '), '021');
  assert.equal(safeHarborZip3('10001 1234'), '100');
});

test('prefixes absent from the Census tabulation become 000: their population is not shown to exceed 20,000', () => {
  assert.equal(safeHarborZip3('09012'), '000', 'military APO');
  assert.equal(safeHarborZip3('96201'), '000', 'military APO Pacific');
  assert.equal(safeHarborZip3('00901'), '000', 'Puerto Rico is not in this tabulation');
  assert.equal(safeHarborZip3('00001'), '000', 'unassigned');
});

test('values that are not US ZIP codes give no ZIP3', () => {
  for (const value of [
    '2720',
    'K1A 0B1',
    'SW1A 1AA',
    '0272',
    'ZIP 02720',
    '',
    2720,
    null,
    undefined,
  ]) {
    assert.equal(safeHarborZip3(value), null, String(value));
  }
});
