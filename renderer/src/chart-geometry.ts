// Pure geometry of the hand-drawn SVG charts (scales, clamping, paths), free of React and the DOM
// so it can be unit-tested under Node.

/** An SVG drawing: outer size and the margins that hold axes and labels. */
export interface PlotFrame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

/** The inner rectangle of a frame where data is drawn, in SVG coordinates. */
export interface PlotBox {
  left: number;
  top: number;
  right: number;
  bottom: number;
  width: number;
  height: number;
}

export type Scale = (value: number) => number;

export interface PlotPoint {
  x: number;
  y: number;
}

export function plotBox(frame: PlotFrame): PlotBox {
  const { width, height, margin } = frame;
  const left = margin.left;
  const top = margin.top;
  const right = Math.max(left, width - margin.right);
  const bottom = Math.max(top, height - margin.bottom);
  return { left, top, right, bottom, width: right - left, height: bottom - top };
}

export function clamp(value: number, lo: number, hi: number): number {
  return Math.min(Math.max(value, lo), hi);
}

/** Maps [d0, d1] linearly onto [r0, r1]; a degenerate domain maps everything to r0. */
export function linearScale(
  domain: readonly [number, number],
  range: readonly [number, number],
): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  if (d1 === d0) return () => r0;
  const k = (r1 - r0) / (d1 - d0);
  return (value) => r0 + (value - d0) * k;
}

/** Scales of a plot with x on [0, xMax] and y on [0, yMax]; y grows upwards as in a chart. */
export function plotScales(box: PlotBox, xMax = 1, yMax = 1): { x: Scale; y: Scale } {
  return {
    x: linearScale([0, xMax], [box.left, box.right]),
    y: linearScale([0, yMax], [box.bottom, box.top]),
  };
}

// Two decimals are below a pixel's worth of difference and keep long paths short.
const round = (v: number) => Math.round(v * 100) / 100;

/** "M x,y L x,y …" through the points in order; empty without points. */
export function polylinePath(points: readonly PlotPoint[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${round(p.x)},${round(p.y)}`).join(' ');
}

/**
 * The path of an ROC curve: from (0,0) to (1,1) in the unit square, every point clamped to it,
 * points less than half a pixel from the last kept one merged (curves of thousands of
 * admissions stay cheap to draw without visibly changing shape).
 */
export function rocPath(points: readonly (readonly [number, number])[], box: PlotBox): string {
  const { x, y } = plotScales(box);
  const unit = points.map(([fpr, tpr]) => [clamp(fpr, 0, 1), clamp(tpr, 0, 1)] as const);
  const first = unit[0];
  const last = unit[unit.length - 1];
  if (!first || first[0] !== 0 || first[1] !== 0) unit.unshift([0, 0]);
  if (!last || last[0] !== 1 || last[1] !== 1) unit.push([1, 1]);
  const kept: PlotPoint[] = [];
  unit.forEach(([fpr, tpr], i) => {
    const p = { x: x(fpr), y: y(tpr) };
    const previous = kept[kept.length - 1];
    const isLast = i === unit.length - 1;
    if (previous && !isLast && Math.hypot(p.x - previous.x, p.y - previous.y) < 0.5) return;
    kept.push(p);
  });
  return polylinePath(kept);
}

/** One drawn bar of a histogram over [0, 1]. */
export interface HistogramBar extends PlotPoint {
  width: number;
  height: number;
  from: number;
  to: number;
  count: number;
}

/**
 * Bars of a histogram on a [0, 1] x-axis; heights are relative to `yMax` (default: the tallest
 * bin). A non-empty bin keeps at least `minHeight` pixels so a lone admission stays visible.
 */
export function histogramBars(
  bins: readonly { from: number; to: number; count: number }[],
  box: PlotBox,
  options: { yMax?: number; gap?: number; minHeight?: number } = {},
): HistogramBar[] {
  const { gap = 1, minHeight = 1 } = options;
  const yMax = Math.max(1, options.yMax ?? Math.max(0, ...bins.map((b) => b.count)));
  const { x } = plotScales(box);
  return bins.map((b) => {
    const x0 = x(clamp(b.from, 0, 1));
    const x1 = x(clamp(b.to, 0, 1));
    const full = (clamp(b.count, 0, yMax) / yMax) * box.height;
    const height = b.count <= 0 ? 0 : Math.max(minHeight, full);
    return {
      x: x0 + gap / 2,
      y: box.bottom - height,
      width: Math.max(0, x1 - x0 - gap),
      height,
      from: b.from,
      to: b.to,
      count: b.count,
    };
  });
}

/** Upper end of both calibration axes: the largest value rounded up to a tenth, within [0.1, 1]. */
export function calibrationExtent(
  series: readonly (readonly { predicted: number; observed: number }[])[],
): number {
  let max = 0;
  for (const bins of series) for (const b of bins) max = Math.max(max, b.predicted, b.observed);
  return clamp(Math.ceil(max * 10 - 1e-9) / 10, 0.1, 1);
}

/** One calibration bin placed on the plot; `clamped` when it lay outside the axes. */
export interface CalibrationPoint extends PlotPoint {
  predicted: number;
  observed: number;
  n: number;
  clamped: boolean;
}

/** Calibration bins as points on axes [0, extent] × [0, extent], clamped to the plot. */
export function calibrationPoints(
  bins: readonly { predicted: number; observed: number; n: number }[],
  box: PlotBox,
  extent: number,
): CalibrationPoint[] {
  const { x, y } = plotScales(box, extent, extent);
  return bins.map((b) => {
    const px = clamp(b.predicted, 0, extent);
    const py = clamp(b.observed, 0, extent);
    return {
      x: x(px),
      y: y(py),
      predicted: b.predicted,
      observed: b.observed,
      n: b.n,
      clamped: px !== b.predicted || py !== b.observed,
    };
  });
}

/** Ticks from 0 to at least `max` at a 1–2–5 step, about `count` of them; integer steps when asked. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!(max > 0)) return [0];
  const raw = max / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normalised = raw / magnitude;
  let step = (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10) * magnitude;
  if (integer) step = Math.max(1, Math.round(step));
  const steps = Math.ceil(max / step - 1e-9);
  return Array.from({ length: steps + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}
