import type uPlot from 'uplot';

/** Index of the last non-null value of a column, or null when it has none. */
function lastIndex(col: ArrayLike<number | null | undefined>): number | null {
  for (let i = col.length - 1; i >= 0; i--) if (col[i] != null) return i;
  return null;
}

/**
 * With the cursor off the plot, uPlot's legend shows "--" for every series: show each series'
 * latest value instead (and the time of the newest), so the legend always says something.
 * Under the cursor the legend keeps uPlot's values there.
 */
export function showLatestInLegend(u: uPlot): void {
  if (u.cursor.idx != null) return;
  const idxs = u.data.map((col, i) => (i === 0 ? null : lastIndex(col as ArrayLike<number | null>)));
  const newest = idxs.reduce<number | null>((m, i) => (i === null ? m : m === null ? i : Math.max(m, i)), null);
  if (newest === null) return;
  idxs[0] = newest;
  u.setLegend({ idxs }, false);
}

/** Legend values: "–" for a series that has no value at that point (uPlot writes "--"). */
export const legendValue = (fmt: (v: number) => string) => (_u: uPlot, v: number | null) => (v == null ? '–' : fmt(v));
