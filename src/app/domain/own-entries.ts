import type { FloorEvent } from '../../core/events.schema.ts';
import { CALL_TAKE_BACK_MS } from '../../core/andon/kinds.ts';



/** Reasons an operator gives for taking back their own entry: one tap each, stored as the void's reason. */
export const undoReasons = ['entered-twice', 'wrong-station', 'mistake'] as const;
export type UndoReason = (typeof undoReasons)[number];

/** The entries an operator lists and undoes: what they entered themselves at the station. */
const listedTypes = { count: 'count', 'stop.start': 'stop', 'stop.classify': 'reason', note: 'note', 'stop.split': 'split', handover: 'handover', 'andon.raise': 'call' } as const;
type ListedType = keyof typeof listedTypes;
type Kind = (typeof listedTypes)[ListedType];
const isListed = (e: FloorEvent): e is Extract<FloorEvent, { type: ListedType }> => Object.hasOwn(listedTypes, e.type);

/**
 * How long after raising it an operator may take back their call button (an undo: the call then
 * reads as taken back, src/core/andon/calls.ts); later, whoever answers it resolves it. Core's one
 * constant, which ingest enforces too.
 */
export const CALL_UNDO_MS = CALL_TAKE_BACK_MS;

/** One of the operator's own entries of this shift at this station, as the tablet lists it. */
export interface OwnEntry {
  event: Extract<FloorEvent, { type: ListedType }>;
  kind: Kind;
  /** The reason of the void that took it back, or null while it stands. */
  voidedFor: string | null;
  /** A stop's end, when it ended (by this tablet's entries); null while open. */
  stopEnd: number | null;
}

/**
 * The author's own counts, stops, reasons given to stops (a machine's, or another's: the reason of
 * a stop of their own is listed with that stop), notes, stop splits, handovers and call buttons at
 * `stationId` since `since` (the shift's start), newest first, each with the void that took it back. The service allows an operator's void only on such
 * entries (src/server/ingest/amendment-rights.ts): the tablet offers undo on exactly these.
 */
export function ownEntries(events: readonly FloorEvent[], author: string, stationId: string, since: number): OwnEntry[] {
  return recentOwnEntries(events, author, stationId, since, Infinity).entries;
}

/**
 * The newest `max` of `ownEntries` and how many there are in all. Rebuilt on every tap: only the
 * listed ones get an entry object, and an entry whose void and end are unchanged is the same
 * object as last time, so the list redraws only the rows that changed.
 */
export function recentOwnEntries(events: readonly FloorEvent[], author: string, stationId: string, since: number, max: number): { entries: OwnEntry[]; total: number } {
  const voids = new Map<string, string>();
  const ends = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'void') voids.set(e.voids, e.reason);
    else if (e.type === 'stop.end') ends.set(e.stopId, e.ts);
  }
  const mine: OwnEntry['event'][] = [];
  const ownStops = new Set<string>();
  for (const e of events) {
    if (e.author !== author || e.stationId !== stationId || e.ts < since) continue;
    if (isListed(e)) mine.push(e);
    if (e.type === 'stop.start') ownStops.add(e.stopId);
  }
  // The reason given right after Stop is the stop's own row ("Stop · reason: …"), not a row of its own.
  const shown = mine.filter((e) => e.type !== 'stop.classify' || !ownStops.has(e.stopId));
  // Stable: entries of the same moment keep their order, as before.
  shown.sort((a, b) => b.ts - a.ts);
  const entries = shown.slice(0, max).map((event) => {
    const voidedFor = voids.get(event.id) ?? null;
    const stopEnd = event.type === 'stop.start' ? (ends.get(event.stopId) ?? null) : null;
    const last = listed.get(event);
    if (last && last.voidedFor === voidedFor && last.stopEnd === stopEnd) return last;
    const entry: OwnEntry = { event, kind: listedTypes[event.type], voidedFor, stopEnd };
    listed.set(event, entry);
    return entry;
  });
  return { entries, total: shown.length };
}

/** The entry last made for each event (see `recentOwnEntries`). */
const listed = new WeakMap<FloorEvent, OwnEntry>();

/** Length of a duration in whole seconds as "m:ss" (or "h:mm:ss"). */
export function clockText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600), mm = Math.floor((s % 3600) / 60), ss = s % 60;
  return `${hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}` : mm}:${String(ss).padStart(2, '0')}`;
}

/** Where a split of a stop from `start` to `end` falls, `afterMs` in, kept at least a second inside. */
export function splitPoint(start: number, end: number, afterMs: number): number {
  return start + Math.min(Math.max(1000, Math.round(afterMs / 1000) * 1000), end - start - 1000);
}
