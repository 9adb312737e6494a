// Geometry of the Risk view's SVG charts: scales, ROC paths, histogram bars, calibration points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  calibrationExtent,
  calibrationPoints,
  histogramBars,
  linearScale,
  niceTicks,
  plotBox,
  rocPath,
} from '../../renderer/src/chart-geometry.ts';

// A 100 × 100 plot whose top-left corner sits at (10, 20).
const box = plotBox({
  width: 120,
  height: 140,
  margin: { top: 20, right: 10, bottom: 20, left: 10 },
});

/** The (x, y) pairs of an "M x,y L x,y …" path. */
function vertices(path: string): [number, number][] {
  return path.split(' ').map((part) => part.slice(1).split(',').map(Number) as [number, number]);
}

test('the plot box is the frame without its margins', () => {
  assert.deepEqual(box, { left: 10, top: 20, right: 110, bottom: 120, width: 100, height: 100 });
});

test('a linear scale maps its domain onto its range, and a degenerate domain onto the range start', () => {
  const s = linearScale([0, 1], [120, 20]);
  assert.equal(s(0), 120);
  assert.equal(s(1), 20);
  assert.equal(s(0.25), 95);
  assert.equal(linearScale([3, 3], [5, 9])(42), 5);
});

test('an ROC path runs from the bottom-left to the top-right corner of the plot', () => {
  const path = rocPath(
    [
      [0, 0],
      [0.1, 0.5],
      [0.4, 0.8],
      [1, 1],
    ],
    box,
  );
  assert.equal(path, 'M10,120 L20,70 L50,40 L110,20');
});

test('an ROC path adds missing end points and clamps points outside the unit square', () => {
  const points = vertices(
    rocPath(
      [
        [-0.2, 0.3],
        [0.5, 1.4],
      ],
      box,
    ),
  );
  assert.deepEqual(points[0], [10, 120], 'starts at (0,0)');
  assert.deepEqual(points[1], [10, 90], 'FPR below 0 is clamped to 0');
  assert.deepEqual(points[2], [60, 20], 'TPR above 1 is clamped to 1');
  assert.deepEqual(points[points.length - 1], [110, 20], 'ends at (1,1)');
  assert.equal(rocPath([], box), 'M10,120 L110,20', 'no points: the chance diagonal');
});

test('an ROC path merges points less than half a pixel apart but keeps the end point', () => {
  const dense: [number, number][] = [[0, 0]];
  for (let i = 1; i <= 1000; i += 1) dense.push([i / 1000, i / 1000]);
  const points = vertices(rocPath(dense, box));
  assert.ok(points.length < 300, `${points.length} vertices for 1,001 points`);
  assert.deepEqual(points[points.length - 1], [110, 20]);
});

test('histogram bars are as tall as their share of the tallest bin, placed by their bin edges', () => {
  const bars = histogramBars(
    [
      { from: 0, to: 0.25, count: 10 },
      { from: 0.25, to: 0.5, count: 5 },
      { from: 0.5, to: 0.75, count: 0 },
      { from: 0.75, to: 1, count: 2 },
    ],
    box,
    { gap: 0 },
  );
  assert.deepEqual(
    bars.map((b) => [b.x, b.width, b.height, b.y]),
    [
      [10, 25, 100, 20],
      [35, 25, 50, 70],
      [60, 25, 0, 120],
      [85, 25, 20, 100],
    ],
  );
});

test('a non-empty bin dwarfed by the tallest keeps a visible sliver, and yMax sets the scale', () => {
  const [big, tiny] = histogramBars(
    [
      { from: 0, to: 0.5, count: 100_000 },
      { from: 0.5, to: 1, count: 1 },
    ],
    box,
    { minHeight: 2, yMax: 200_000 },
  );
  assert.equal(big!.height, 50);
  assert.equal(tiny!.height, 2);
  assert.equal(tiny!.y, 118);
  const gapped = histogramBars([{ from: 0, to: 0.5, count: 1 }], box, { gap: 2 });
  assert.equal(gapped[0]!.x, 11);
  assert.equal(gapped[0]!.width, 48);
});

test('calibration axes reach the largest predicted or observed value rounded up to a tenth', () => {
  assert.equal(
    calibrationExtent([
      [{ predicted: 0.12, observed: 0.31 }],
      [{ predicted: 0.2, observed: 0.05 }],
    ]),
    0.4,
  );
  assert.equal(calibrationExtent([[{ predicted: 0.3, observed: 0.3 }]]), 0.3);
  assert.equal(calibrationExtent([]), 0.1);
  assert.equal(calibrationExtent([[{ predicted: 0.9, observed: 1.7 }]]), 1);
});

test('calibration points lie on the plot, and points beyond the axes are clamped to its edge', () => {
  const points = calibrationPoints(
    [
      { predicted: 0.1, observed: 0.2, n: 30 },
      { predicted: 0.6, observed: 0.9, n: 4 },
      { predicted: -0.1, observed: 0, n: 1 },
    ],
    box,
    0.5,
  );
  assert.deepEqual(
    points.map((p) => [p.x, p.y, p.clamped]),
    [
      [30, 80, false],
      [110, 20, true],
      [10, 120, true],
    ],
  );
  assert.equal(points[1]!.observed, 0.9, 'the true value is kept for labels');
});

test('axis ticks step by 1, 2 or 5 and reach past the maximum', () => {
  assert.deepEqual(niceTicks(1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(730, 4), [0, 200, 400, 600, 800]);
  assert.deepEqual(niceTicks(3, 4, true), [0, 1, 2, 3]);
  assert.deepEqual(niceTicks(0), [0]);
});
