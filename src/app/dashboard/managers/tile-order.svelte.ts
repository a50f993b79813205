import { untrack } from 'svelte';
import { sortTiles, type BoardSort, type BoardTile } from '../../../core/charts/board.ts';

/** How often the board re-sorts by itself: tiles must not jump around while people read them. */
export const RESORT_MS = 10_000;

/** A line and which of its sort keys are known yet (its state, its OEE). */
const known = (t: BoardTile) => `${t.lineId}:${t.state === 'unknown' ? 0 : 1}${t.oee === null ? 0 : 1}`;

/**
 * Keeps a board's tile order steady: it is recomputed when the sort, the filter or the set of
 * lines changes, or a line's state or OEE first becomes known, and otherwise every RESORT_MS,
 * never on every live update. Values inside tiles stay live; only their positions wait. Call
 * from a component (it uses effects).
 */
export function stableOrder(tiles: () => BoardTile[], sort: () => BoardSort): { readonly ids: string[] } {
  let ids = $state<string[]>([]);
  const resort = () => (ids = sortTiles(untrack(tiles), untrack(sort)).map((t) => t.lineId));
  // A string: equal when the same lines are shown with the same parts known, so new values alone
  // never re-run the effect. A line's state and OEE arrive (retained) just after the first paint:
  // each first arrival re-sorts at once, so "worst first" holds from the start, not after RESORT_MS.
  const shown = $derived(`${sort()}|${tiles().map(known).join()}`);
  $effect(() => {
    // Re-sort at once when what is shown changes (lines added, filter, sort), not when values do.
    void shown;
    untrack(resort);
    const timer = setInterval(resort, RESORT_MS);
    return () => clearInterval(timer);
  });
  return {
    get ids() {
      return ids;
    },
  };
}
