import { boardTile, idealCycleMs, targetGood, type LineMeta } from '../../core/charts/board.ts';
import type { FloorEvent } from '../../core/events.schema.ts';
import type { LineStatus, OeeSnapshot } from '../../core/live.schema.ts';

/** What the tablet's "Produced n of target" shows. */
export interface ShiftProgressView {
  /** Good parts of the line's shift so far, as the service counts them (board, line view, /api/oee). */
  good: number;
  /** Good parts the line should have made by now: the board's formula, on the same figures. */
  target: number | null;
  /** Good parts booked on this tablet that the service has not acknowledged yet: shown apart, as waiting. */
  waitingGood: number;
  /** When the service computed `good` (its snapshot), or null when the tablet computed it itself. */
  asOf: number | null;
}

/** The part of the local engine's figures the fallback needs. */
export interface LocalFigures {
  good: number;
  plannedMs: number;
}

/**
 * The tablet's shift progress. With a service snapshot it is the board tile's own figures (one
 * function, `boardTile`, so the tablet and the board cannot disagree), plus this tablet's waiting
 * counts apart; without one (never connected this shift) the core engine over the tablet's own
 * entries, with the same target formula.
 * @example shiftProgress({ meta, status: null, snapshot: null, local: null, waiting: [], now }) // { good: 0, target: null, ... }
 */
/**
 * Good parts the waiting entries add (or, by undoing counts the service has, take away): waiting
 * counts not undone by a waiting void, less the acknowledged counts a waiting void undoes.
 */
export function waitingGoodOf(waiting: readonly FloorEvent[], own: readonly FloorEvent[]): number {
  const undone = new Set(waiting.flatMap((e) => (e.type === 'void' ? [e.voids] : [])));
  const waitingIds = new Set(waiting.map((e) => e.id));
  let n = 0;
  for (const e of waiting) if (e.type === 'count' && !undone.has(e.id)) n += e.good;
  for (const e of own) if (e.type === 'count' && undone.has(e.id) && !waitingIds.has(e.id)) n -= e.good;
  return n;
}

export function shiftProgress(input: {
  meta: LineMeta;
  status: LineStatus | null;
  snapshot: OeeSnapshot | null;
  local: LocalFigures | null;
  waiting: readonly FloorEvent[];
  now: number;
  /** This tablet's own entries: what a waiting undo of an acknowledged count takes back. */
  own?: readonly FloorEvent[];
}): ShiftProgressView {
  const waitingGood = waitingGoodOf(input.waiting, input.own ?? []);
  if (input.snapshot) {
    const tile = boardTile(input.meta, input.status ?? undefined, input.snapshot, input.now);
    return { good: tile.good, target: tile.target, waitingGood, asOf: input.snapshot.at };
  }
  const { line } = input.meta;
  const local = input.local;
  // The local engine's figures already hold the waiting entries (they are the tablet's own).
  return {
    good: local ? local.good - waitingGood : 0,
    target: local ? targetGood(local.plannedMs, line.targetOee, idealCycleMs(line, input.status?.productId ?? null)) : null,
    waitingGood,
    asOf: null,
  };
}
