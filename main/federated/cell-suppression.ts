// Primary and complementary cell suppression for count tables released with their totals
// (Statistics Canada / ONS practice; Cox 1980 "Suppression methodology and statistical
// disclosure control"). A suppressed cell must not be recoverable from the published margins.
import { DEFAULT_DISCLOSURE_POLICY, DisclosureRefusedError } from './disclosure-policy.ts';
import type { DisclosurePolicy } from './disclosure-policy.ts';

/** A 1-D table as released: suppressed cells are null, the total is published. */
export interface SuppressedTable1d {
  cells: (number | null)[];
  total: number;
  primary: number[];
  complementary: number[];
}

/** A 2-D table as released with row, column and grand totals. */
export interface SuppressedTable2d {
  cells: (number | null)[][];
  rowTotals: number[];
  columnTotals: number[];
  grandTotal: number;
  primary: [number, number][];
  complementary: [number, number][];
}

function assertCounts(values: readonly number[]): void {
  if (!values.every((v) => Number.isSafeInteger(v) && v >= 0)) {
    throw new DisclosureRefusedError('Counts must be non-negative integers.', 'invalid-counts');
  }
}

function isPrimary(value: number, policy: DisclosurePolicy): boolean {
  return (value > 0 || policy.suppressZeros) && value < policy.minimumCellSize;
}

/**
 * Suppresses a 1-D table. With the total published, suppressed cells are protected only as a
 * group, so there must be at least two and together they must reach the minimum cell size.
 */
export function suppressTable1d(counts: readonly number[], policy: DisclosurePolicy = DEFAULT_DISCLOSURE_POLICY): SuppressedTable1d {
  assertCounts(counts);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > 0 && total < policy.minimumCellSize) {
    throw new DisclosureRefusedError(`The table total is below ${policy.minimumCellSize}; merge categories or widen the cohort.`, 'total-below-minimum');
  }
  const suppressed = counts.map((v) => isPrimary(v, policy));
  const primary = suppressed.flatMap((s, i) => (s ? [i] : []));
  const complementary: number[] = [];
  const needsMore = (): boolean => {
    const idx = suppressed.flatMap((s, i) => (s ? [i] : []));
    const sum = idx.reduce((a, i) => a + counts[i]!, 0);
    return idx.length === 1 || (idx.length > 0 && sum < policy.minimumCellSize);
  };
  while (needsMore()) {
    const next = smallestCandidate(counts.map((v, i) => ({ value: v, index: i })).filter(({ index }) => !suppressed[index]));
    if (next === undefined) break;
    suppressed[next.index] = true;
    complementary.push(next.index);
  }
  return { cells: counts.map((v, i) => (suppressed[i] ? null : v)), total, primary, complementary };
}

// Smallest non-zero cell first (least information lost); a zero only as a last resort, since
// the non-negativity bound makes a zero a weak complement.
function smallestCandidate<T extends { value: number }>(candidates: T[]): T | undefined {
  const ranked = [...candidates].sort((a, b) => (a.value === 0 ? 1 : 0) - (b.value === 0 ? 1 : 0) || a.value - b.value);
  return ranked[0];
}

/**
 * Cells of a suppression pattern that the margins determine exactly. Suppressed cells are
 * edges of the bipartite row/column graph; the margin equations leave an edge free exactly
 * when it lies on a cycle (the null space of an incidence matrix is its cycle space), so the
 * recoverable cells are the bridges.
 */
export function findRecoverableCells(pattern: readonly (readonly boolean[])[]): [number, number][] {
  const rows = pattern.length;
  const edges: [number, number][] = [];
  pattern.forEach((row, r) => row.forEach((s, c) => s && edges.push([r, c])));
  const connectedWithout = (skip: number): boolean => {
    const [r0, c0] = edges[skip]!;
    const seen = new Set<number>([r0]);
    const queue = [r0];
    while (queue.length > 0) {
      const node = queue.pop()!;
      edges.forEach(([r, c], i) => {
        if (i === skip) return;
        const [a, b] = [r, rows + c];
        const other = a === node ? b : b === node ? a : -1;
        if (other >= 0 && !seen.has(other)) {
          seen.add(other);
          queue.push(other);
        }
      });
    }
    return seen.has(rows + c0);
  };
  return edges.filter((_, i) => !connectedWithout(i));
}

/** Suppresses a 2-D table released with all margins; margins themselves must reach the minimum. */
export function suppressTable2d(counts: readonly (readonly number[])[], policy: DisclosurePolicy = DEFAULT_DISCLOSURE_POLICY): SuppressedTable2d {
  const rows = counts.length;
  const cols = counts[0]?.length ?? 0;
  if (rows < 2 || cols < 2 || counts.some((row) => row.length !== cols)) {
    throw new DisclosureRefusedError('A 2-D table needs at least two rows and two columns of equal length; use suppressTable1d.', 'invalid-table');
  }
  counts.forEach((row) => assertCounts(row));
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = Array.from({ length: cols }, (_, c) => counts.reduce((a, row) => a + row[c]!, 0));
  const smallMargin = [...rowTotals, ...columnTotals].findIndex((t) => t > 0 && t < policy.minimumCellSize);
  if (smallMargin >= 0) {
    // A small margin would need suppressing too, and one suppressed margin is recoverable
    // from the others: recode (merge categories) before release instead.
    const which = smallMargin < rows ? `row ${smallMargin + 1}` : `column ${smallMargin - rows + 1}`;
    throw new DisclosureRefusedError(`The total of ${which} is below ${policy.minimumCellSize}; merge categories first.`, 'margin-below-minimum');
  }
  const suppressed = counts.map((row) => row.map((v) => isPrimary(v, policy)));
  const primary: [number, number][] = [];
  suppressed.forEach((row, r) => row.forEach((s, c) => s && primary.push([r, c])));
  const complementary = addComplementarySuppressions2d(counts, suppressed, policy);
  return {
    cells: counts.map((row, r) => row.map((v, c) => (suppressed[r]![c] ? null : v))),
    rowTotals,
    columnTotals,
    grandTotal: rowTotals.reduce((a, b) => a + b, 0),
    primary,
    complementary,
  };
}

/** Adds complements until every line holds none or >= 2 hidden cells totalling >= the minimum, and no hidden cell is a bridge. */
function addComplementarySuppressions2d(
  counts: readonly (readonly number[])[],
  suppressed: boolean[][],
  policy: DisclosurePolicy,
): [number, number][] {
  const rows = counts.length;
  const cols = counts[0]!.length;
  const complementary: [number, number][] = [];
  const suppress = (r: number, c: number): void => {
    suppressed[r]![c] = true;
    complementary.push([r, c]);
  };
  const lineCells = (line: number): [number, number][] =>
    line < rows ? Array.from({ length: cols }, (_, c) => [line, c]) : Array.from({ length: rows }, (_, r) => [r, line - rows]);
  const candidate = (cells: [number, number][]): [number, number] | undefined => {
    const free = cells.filter(([r, c]) => !suppressed[r]![c]).map(([r, c]) => ({ value: counts[r]![c]!, r, c }));
    const best = smallestCandidate(free);
    return best ? [best.r, best.c] : undefined;
  };
  for (let guard = 0; guard <= rows * cols; guard++) {
    let changed = false;
    // Line rule: in every row and column, none or at least two suppressed cells, together >= minimum.
    for (let line = 0; line < rows + cols; line++) {
      const cells = lineCells(line);
      const hidden = cells.filter(([r, c]) => suppressed[r]![c]);
      const sum = hidden.reduce((a, [r, c]) => a + counts[r]![c]!, 0);
      if (hidden.length === 1 || (hidden.length > 1 && sum < policy.minimumCellSize)) {
        const next = candidate(cells);
        if (next) {
          suppress(...next);
          changed = true;
        }
      }
    }
    if (changed) continue;
    // Cycle rule: a bridge in the suppression graph is still recoverable; add a cell beside it.
    const [bridge] = findRecoverableCells(suppressed);
    if (!bridge) break;
    const next = candidate(lineCells(bridge[0])) ?? candidate(lineCells(rows + bridge[1]));
    if (!next) break;
    suppress(...next);
  }
  return complementary;
}
