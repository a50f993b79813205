const HOUR = 3_600_000;
/** Steps a time axis may take, smallest first: whole hours that divide a day. */
const STEPS = [1, 2, 3, 4, 6, 12, 24].map((h) => h * HOUR);

/** One tick of a time axis: its time, where it sits (px from the left) and where its label starts, if it has one. */
export interface AxisTick {
  t: number;
  x: number;
  /** Left edge of the label, px; null: the tick has no label (it would touch a neighbour's). */
  labelX: number | null;
}

/**
 * Ticks of a time axis [from, to] `widthPx` wide whose labels are each at most `labelPx` wide:
 * the smallest hour step whose labels fit side by side with `gapPx` between them, each label centred
 * on its tick but kept inside the axis, the first and the last label always shown, and a label that
 * would still touch a neighbour (at the ends, where labels are pushed inwards) left out, its tick kept. A 24 h line view showed a
 * label every hour, and the first and last ones were drawn over their neighbours.
 * @example timeTicks(0, 8 * 3_600_000, 1000, 60).length // 9: a label every hour
 */
export function timeTicks(from: number, to: number, widthPx: number, labelPx: number, gapPx = 12): AxisTick[] {
  if (!(to > from) || !(widthPx > 0)) return [];
  const pxPerMs = widthPx / (to - from);
  const step = STEPS.find((s) => s * pxPerMs >= labelPx + gapPx) ?? STEPS[STEPS.length - 1]!;
  // On the hours of the reader's clock (the labels' zone): 00:00, 02:00, … in Berlin, not UTC's.
  const first = new Date(from);
  if (first.getMinutes() || first.getSeconds() || first.getMilliseconds()) first.setMinutes(60, 0, 0);
  const stepH = step / HOUR;
  const ts: number[] = [];
  for (let t = first.getTime(); t <= to; t += HOUR) if (new Date(t).getHours() % stepH === 0) ts.push(t);
  const xs = ts.map((t) => (t - from) * pxPerMs);
  const lefts = xs.map((x) => Math.min(Math.max(0, x - labelPx / 2), Math.max(0, widthPx - labelPx)));
  // The first and the last label are kept (where the axis starts and ends), the ones between as room allows.
  const lastLeft = lefts.length > 1 ? lefts[lefts.length - 1]! : Infinity;
  let lastRight = -Infinity;
  const out = ts.map((t, i): AxisTick => {
    const left = lefts[i]!;
    const isEnd = i === ts.length - 1 && i > 0;
    const isFree = left >= lastRight + gapPx && (isEnd || left + labelPx + gapPx <= lastLeft);
    if (isFree) lastRight = left + labelPx;
    return { t, x: xs[i]!, labelX: isFree ? left : null };
  });
  return out;
}
