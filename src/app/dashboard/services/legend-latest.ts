import type uPlot from 'uplot';

/** Index of the last non-null value of a column at or before `end`, or null when it has none. */
function lastIndex(col: ArrayLike<number | null | undefined>, end: number): number | null {
  for (let i = Math.min(end, col.length - 1); i >= 0; i--) if (col[i] != null) return i;
  return null;
}

/**
 * With the cursor off the plot, uPlot's legend shows "--" for every series: show each series'
 * latest value instead (and the time of the newest), so the legend always says something.
 * Under the cursor the legend keeps uPlot's values there.
 */
export function showLatestInLegend(u: uPlot, now = Date.now()): void {
  if (u.cursor.idx != null) return;
  // Time axes are in seconds: a target drawn ahead for the rest of the shift is not "latest".
  const xs = u.data[0];
  let end = xs.length - 1;
  while (end > 0 && xs[end]! > now / 1000) end--;
  const idxs = u.data.map((col, i) => (i === 0 ? null : lastIndex(col as ArrayLike<number | null>, end)));
  const newest = idxs.reduce<number | null>((m, i) => (i === null ? m : m === null ? i : Math.max(m, i)), null);
  if (newest === null) return;
  idxs[0] = newest;
  u.setLegend({ idxs }, false);
}

/** Legend values: "–" for a series that has no value at that point (uPlot writes "--"). */
export const legendValue = (fmt: (v: number) => string) => (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v));
