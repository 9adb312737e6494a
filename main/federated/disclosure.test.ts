import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findRecoverableCells, suppressTable1d, suppressTable2d } from './cell-suppression.ts';
import { DisclosureRefusedError, summarizeForRelease } from './disclosure-policy.ts';
import { PrivacyBudgetLedger, addLaplaceNoise } from './privacy-budget-ledger.ts';
import { ReleaseLedger } from './release-ledger.ts';

/**
 * An attacker's solve of the margins, independent of the implementation: Gaussian elimination
 * on the row/column equations over the suppressed cells. A cell is determined exactly when
 * its unit vector lies in the row space (rank does not grow when it is appended).
 */
function determinedByMargins(pattern: boolean[][]): [number, number][] {
  const unknowns: [number, number][] = [];
  pattern.forEach((row, r) => row.forEach((s, c) => s && unknowns.push([r, c])));
  const equations: number[][] = [];
  for (let r = 0; r < pattern.length; r++) equations.push(unknowns.map(([ur]) => (ur === r ? 1 : 0)));
  for (let c = 0; c < pattern[0]!.length; c++) equations.push(unknowns.map(([, uc]) => (uc === c ? 1 : 0)));
  const rank = (m: number[][]): number => {
    const a = m.map((row) => [...row]);
    let rk = 0;
    for (let col = 0; col < unknowns.length && rk < a.length; col++) {
      const pivot = a.findIndex((row, i) => i >= rk && Math.abs(row[col]!) > 1e-9);
      if (pivot < 0) continue;
      [a[rk], a[pivot]] = [a[pivot]!, a[rk]!];
      for (let i = 0; i < a.length; i++) {
        if (i === rk) continue;
        const f = a[i]![col]! / a[rk]![col]!;
        if (f !== 0) a[i] = a[i]!.map((v, j) => v - f * a[rk]![j]!);
      }
      rk++;
    }
    return rk;
  };
  const base = rank(equations);
  return unknowns.filter((_, j) => rank([...equations, unknowns.map((__, k) => (k === j ? 1 : 0))]) === base);
}

/** Every non-negative integer table consistent with what is published; values each suppressed cell can take. */
function feasibleValues(cells: (number | null)[][], rowTotals: number[], columnTotals: number[]): Map<string, Set<number>> {
  const unknowns: [number, number][] = [];
  cells.forEach((row, r) => row.forEach((v, c) => v === null && unknowns.push([r, c])));
  const rowLeft = rowTotals.map((t, r) => t - cells[r]!.reduce<number>((a, v) => a + (v ?? 0), 0));
  const colLeft = columnTotals.map((t, c) => t - cells.reduce<number>((a, row) => a + (row[c] ?? 0), 0));
  const seen = new Map<string, Set<number>>(unknowns.map(([r, c]) => [`${r},${c}`, new Set<number>()]));
  const chosen: number[] = [];
  const search = (i: number): void => {
    if (i === unknowns.length) {
      if (rowLeft.every((v) => v === 0) && colLeft.every((v) => v === 0)) unknowns.forEach(([r, c], k) => seen.get(`${r},${c}`)!.add(chosen[k]!));
      return;
    }
    const [r, c] = unknowns[i]!;
    const lastInRow = !unknowns.slice(i + 1).some(([ur]) => ur === r);
    const lastInCol = !unknowns.slice(i + 1).some(([, uc]) => uc === c);
    const hi = Math.min(rowLeft[r]!, colLeft[c]!);
    for (let v = lastInRow ? rowLeft[r]! : 0; v <= (lastInRow ? rowLeft[r]! : hi); v++) {
      if (v > hi || (lastInCol && v !== colLeft[c])) continue;
      rowLeft[r]! -= v;
      colLeft[c]! -= v;
      chosen.push(v);
      search(i + 1);
      chosen.pop();
      rowLeft[r]! += v;
      colLeft[c]! += v;
    }
  };
  search(0);
  return seen;
}

function refusalCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DisclosureRefusedError, String(error));
    return error.code;
  }
  return 'released';
}

describe('cell suppression', () => {
  it('suppresses a small cell in a 1-D table and a complement so the total does not give it back', () => {
    const table = suppressTable1d([120, 5, 40, 33, 0]);
    assert.deepEqual(table.cells, [120, null, 40, null, 0]);
    assert.equal(table.total, 198);
    // The margin only tells the attacker that the two hidden cells sum to 38.
    const hiddenSum = table.total - table.cells.reduce<number>((a, v) => a + (v ?? 0), 0);
    assert.equal(hiddenSum, 38);
    assert.ok(hiddenSum >= 11);
  });

  it('keeps adding complements in 1-D until the hidden cells together reach the minimum', () => {
    assert.deepEqual(suppressTable1d([3, 2, 50, 4, 90]).cells, [null, null, null, null, 90], '3+2+4 = 9 < 11, so 50 joins them');
    assert.deepEqual(suppressTable1d([3, 2, 50, 6, 90]).cells, [null, null, 50, null, 90]);
    assert.deepEqual(suppressTable1d([30, 2, 50]).cells, [null, null, 50]);
    assert.equal(refusalCode(() => suppressTable1d([3, 4, 2])), 'total-below-minimum');
  });

  it('suppresses a 2-D table so no hidden cell can be solved from the row and column totals', () => {
    const counts = [
      [40, 3, 25, 18],
      [22, 30, 7, 41],
      [15, 12, 33, 9],
    ];
    const table = suppressTable2d(counts);
    const pattern = table.cells.map((row) => row.map((v) => v === null));
    for (const [r, c] of [[0, 1], [1, 2], [2, 3]] as const) assert.equal(table.cells[r]![c], null, `small cell ${r},${c} hidden`);
    assert.deepEqual(determinedByMargins(pattern), [], 'no hidden cell is determined by the margins');
    assert.deepEqual(findRecoverableCells(pattern), []);
    // Enumerate every table consistent with what is published: each hidden cell stays ambiguous.
    const feasible = feasibleValues(table.cells, table.rowTotals, table.columnTotals);
    for (const [cell, values] of feasible) {
      assert.ok(values.size >= 2, `cell ${cell} could only be ${[...values].join()}`);
      const [r, c] = cell.split(',').map(Number) as [number, number];
      assert.ok(values.has(counts[r]![c]!), 'the true table is among the solutions');
    }
    assert.ok(feasible.get('0,1')!.size >= 11, 'the small cell could be anything from a wide range');
  });

  it('finds a bridge cell that the margins still determine, agreeing with elimination', () => {
    const pattern = [
      [true, true, false, false],
      [true, true, true, false],
      [false, false, true, true],
      [false, false, true, true],
    ];
    assert.deepEqual(findRecoverableCells(pattern), [[1, 2]]);
    assert.deepEqual(determinedByMargins(pattern), [[1, 2]]);
  });

  it('leaves no recoverable cell and no thin line in 300 random tables', () => {
    let seed = 20261122;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const counts = Array.from({ length: 4 }, () => Array.from({ length: 5 }, () => (random() < 0.3 ? Math.floor(random() * 11) : 11 + Math.floor(random() * 80))));
      let table;
      try {
        table = suppressTable2d(counts);
      } catch (error) {
        assert.equal((error as DisclosureRefusedError).code, 'margin-below-minimum');
        continue;
      }
      checked++;
      const pattern = table.cells.map((row) => row.map((v) => v === null));
      counts.forEach((row, r) => row.forEach((v, c) => v > 0 && v < 11 && assert.ok(pattern[r]![c])));
      assert.deepEqual(determinedByMargins(pattern), [], JSON.stringify(counts));
      const lines = [...pattern.map((row, r) => row.map((s, c) => [s, counts[r]![c]!] as const)), ...[0, 1, 2, 3, 4].map((c) => pattern.map((row, r) => [row[c]!, counts[r]![c]!] as const))];
      for (const line of lines) {
        const hidden = line.filter(([s]) => s);
        assert.ok(hidden.length !== 1);
        if (hidden.length > 0) assert.ok(hidden.reduce((a, [, v]) => a + v, 0) >= 11);
      }
    }
    assert.ok(checked > 100, `only ${checked} tables were releasable`);
  });

  it('refuses a 2-D table whose row or column total is below the minimum', () => {
    assert.equal(refusalCode(() => suppressTable2d([[40, 3], [5, 2]])), 'margin-below-minimum');
  });
});

describe('statistics, noise and release history', () => {
  const values = Array.from({ length: 12 }, (_, i) => 60 + i);

  it('releases counts and means of groups of at least 11, never minima, maxima or single-patient values', () => {
    assert.deepEqual(summarizeForRelease(values, ['count', 'mean']), { count: 12, mean: 65.5 });
    for (const statistic of ['min', 'max', 'median', 'p95']) assert.equal(refusalCode(() => summarizeForRelease(values, [statistic])), 'single-patient-statistic');
    assert.equal(refusalCode(() => summarizeForRelease(values.slice(0, 10), ['mean'])), 'group-below-minimum');
  });

  it('adds Laplace noise charged to a privacy budget and refuses once it is spent', () => {
    const ledger = new PrivacyBudgetLedger({ totalEpsilon: 1, entries: [] });
    const noisy = addLaplaceNoise(120, { sensitivity: 1, epsilon: 0.5, purpose: 'round-7 count' }, ledger, () => 0.75);
    assert.equal(noisy, 121); // u = 0.25: noise = -2 * ln(0.5) = 1.386…, rounded
    addLaplaceNoise(50, { sensitivity: 1, epsilon: 0.5, purpose: 'round-7 mean' }, ledger);
    assert.equal(refusalCode(() => addLaplaceNoise(7, { sensitivity: 1, epsilon: 0.1, purpose: 'one more' }, ledger)), 'privacy-budget-exhausted');
    assert.equal(ledger.toJSON().entries.length, 2);
    const restored = new PrivacyBudgetLedger(ledger.toJSON());
    assert.equal(restored.remaining, 0);
  });

  it('refuses a release whose cohort differs from an earlier one by fewer than 11 patients', () => {
    const cohort = Array.from({ length: 200 }, (_, i) => `marker-pseudonym-${i}`);
    const ledger = new ReleaseLedger();
    ledger.record('r1', cohort);
    assert.equal(refusalCode(() => ledger.check([...cohort, 'marker-pseudonym-new'])), 'differencing-risk');
    assert.equal(refusalCode(() => ledger.check(cohort.slice(3))), 'differencing-risk');
    assert.doesNotThrow(() => ledger.check(cohort), 'the same cohort again adds nothing');
    const grown = [...cohort, ...Array.from({ length: 11 }, (_, i) => `marker-pseudonym-late-${i}`)];
    ledger.record('r2', grown);
    assert.equal(refusalCode(() => ledger.check([...grown, 'marker-pseudonym-x'])), 'differencing-risk');
    assert.equal(refusalCode(() => ledger.check(cohort.slice(0, 5))), 'cohort-below-minimum');
    const persisted = new ReleaseLedger(ledger.records);
    assert.equal(refusalCode(() => persisted.check(cohort.slice(1))), 'differencing-risk');
    assert.ok(!JSON.stringify(ledger.records).includes('marker-pseudonym'), 'the ledger holds hashes, not pseudonyms');
  });
});
