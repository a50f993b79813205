import { untrack } from 'svelte';
import { isOrderKnown, sortTiles, type BoardSort, type BoardTile } from '../../../core/charts/board.ts';

/** How often the board re-sorts by itself: tiles must not jump around while people read them. */
export const RESORT_MS = 10_000;
/**
 * How long a board may wait for every line's status and snapshot (retained: they come right after
 * connecting) before it shows the order it has: a line never heard must not keep a wall TV blank.
 */
export const SETTLE_MS = 3_000;

/**
 * A line and which of its sort keys are known yet (its state, its OEE, both messages), and whether
 * it has open andon calls about its stop: the first such call, and the last one's end, re-sort at
 * once (they change a fresh stop's rank, `rankState`).
 */
const known = (t: BoardTile) => `${t.lineId}:${t.state === 'unknown' ? 0 : 1}${t.oee === null ? 0 : 1}${t.hasSortKeys ? 1 : 0}${t.openCalls > 0 ? 1 : 0}`;

/**
 * Keeps a board's tile order steady: it is recomputed when the sort, the filter or the set of
 * lines changes, a line's state or OEE first becomes known, or a call about its stop opens or the last one closes; otherwise every RESORT_MS,
 * never on every live update. Values inside tiles stay live; only their positions wait. Call
 * from a component (it uses effects).
 */
export function stableOrder(tiles: () => BoardTile[], sort: () => BoardSort): { readonly ids: string[]; readonly isSettled: boolean } {
  // Whether the order is the true one (`isOrderKnown`), or SETTLE_MS passed: a screen that must
  // never show a wrong order (the TV) shows none until then.
  let hasWaited = $state(false);
  const isSettled = $derived(hasWaited || isOrderKnown(tiles(), sort()));
  $effect(() => {
    const timer = setTimeout(() => (hasWaited = true), SETTLE_MS);
    return () => clearTimeout(timer);
  });
  // A string: equal when the same lines are shown with the same parts known, so new values alone
  // never re-sort. A line's state and OEE arrive (retained) just after the first paint: each first
  // arrival re-sorts at once (in the same update: never a frame in the old order), so "worst first"
  // holds from the start, not after RESORT_MS.
  const shown = $derived(`${sort()}|${tiles().map(known).join()}`);
  let tick = $state(0);
  const ids = $derived.by(() => {
    void [shown, tick];
    return untrack(() => sortTiles(tiles(), sort()).map((t) => t.lineId));
  });
  $effect(() => {
    // The periodic re-sort starts over whenever what is shown changes.
    void shown;
    const timer = setInterval(() => tick++, RESORT_MS);
    return () => clearInterval(timer);
  });
  return {
    get ids() {
      return ids;
    },
    get isSettled() {
      return isSettled;
    },
  };
}
