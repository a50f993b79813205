import type { LineStatus } from '../../core/live.schema.ts';
import type { FloorEvent } from '../../core/index.ts';
import { compareEvents } from '../../core/oee/normalize.ts';
import type { IndexedLine } from '../../core/plant-index.ts';

/**
 * Events in the order the engine uses: time, device, sequence, id (code-unit order: it runs
 * twice for every count, and `localeCompare` cost more than the rest of the status).
 */
export const byTime = compareEvents;

type Fold = Omit<LineStatus, 'isAwaitingReason' | 'shiftId' | 'updatedAt' | 'productId' | 'operatorId'>;

function emptyFold(line: IndexedLine): Fold {
  return { v: 1, siteId: line.path.site, areaId: line.path.area, lineId: line.line.id, state: 'unknown', since: null, stopId: null, reasonId: null };
}

function enter(s: Fold, state: LineStatus['state'], ts: number): void {
  if (s.state !== state) {
    s.state = state;
    s.since = ts;
  }
}

/** Applies one state event (in time order) to a line's state. */
function step(s: Fold, e: FloorEvent): void {
  switch (e.type) {
    case 'machine.state':
      enter(s, e.state, e.ts);
      if (e.state === 'running') {
        s.stopId = null;
        s.reasonId = null;
      } else if (!s.stopId) s.stopId = e.id;
      break;
    case 'stop.start':
      if (s.state === 'running' || s.state === 'unknown') enter(s, 'stopped', e.ts);
      s.stopId = e.stopId;
      s.reasonId = e.reasonId ?? s.reasonId;
      break;
    case 'stop.end':
      if (s.stopId === e.stopId) {
        enter(s, 'running', e.ts);
        s.stopId = null;
        s.reasonId = null;
      }
      break;
    case 'stop.classify':
      if (s.stopId === e.stopId) s.reasonId = e.reasonId;
      break;
    case 'changeover.start':
      enter(s, 'setup', e.ts);
      break;
    case 'changeover.end':
      enter(s, 'running', e.ts);
      break;
    default:
      break;
  }
}

const isStateEvent = (e: FloorEvent) => e.type === 'machine.state' || e.type.startsWith('stop.') || e.type.startsWith('changeover.');

/** The product an event says the line is making, if it says one. */
function productOf(e: FloorEvent): string | undefined {
  if (e.type === 'count' || e.type === 'changeover.end') return e.productId;
  if (e.type === 'changeover.start') return e.toProductId;
  if (e.type === 'machine.counter') return e.productId;
  return undefined;
}

/**
 * A line's present status, folded from its events (`ts` already corrected). Only state events
 * (machine states, stops, changeovers) are kept and folded, in time order: one in order is applied
 * at O(1), a late one is inserted in place and the fold redone once. Product and operator are
 * simply those of the latest event that names one, so the many counts cost nothing. Corrections
 * and voids do not change the present state: they rewrite history, which the OEE figures show.
 */
export class LineStatusTracker {
  readonly #events: FloorEvent[] = [];
  #fold: Fold;
  #isDirty = false;
  #product: FloorEvent | null = null;
  #operator: FloorEvent | null = null;
  /**
   * Ids of the state events kept: a copy of one (a reload racing a commit) changes nothing. Other
   * events only replace the latest product or operator by an equal one, so they need no entry
   * (a shift's counts would otherwise fill this set).
   */
  readonly #seen = new Set<string>();

  constructor(readonly line: IndexedLine) {
    this.#fold = emptyFold(line);
  }

  add(e: FloorEvent): void {
    const productId = productOf(e);
    if (productId && (!this.#product || byTime(this.#product, e) <= 0)) this.#product = e;
    if (e.type !== 'machine.state' && e.type !== 'machine.counter' && (!this.#operator || byTime(this.#operator, e) <= 0)) this.#operator = e;
    if (!isStateEvent(e) || this.#seen.has(e.id)) return;
    this.#seen.add(e.id);
    const list = this.#events;
    const last = list[list.length - 1];
    if (!last || byTime(last, e) <= 0) {
      list.push(e);
      if (!this.#isDirty) step(this.#fold, e);
      return;
    }
    // Binary search for the place of a late event.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byTime(list[mid]!, e) <= 0) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, e);
    this.#isDirty = true;
  }

  status(shiftId: string | null, now: number): LineStatus {
    if (this.#isDirty) {
      this.#fold = emptyFold(this.line);
      for (const e of this.#events) step(this.#fold, e);
      this.#isDirty = false;
    }
    const s = this.#fold;
    const isStopped = s.state !== 'running' && s.state !== 'unknown' && s.state !== 'setup';
    const isAwaitingReason = isStopped && s.stopId !== null && s.reasonId === null && s.since !== null && now - s.since >= this.line.line.smallStopThresholdSec * 1000;
    return {
      ...s,
      productId: this.#product ? (productOf(this.#product) ?? null) : null,
      operatorId: this.#operator?.author ?? null,
      isAwaitingReason,
      shiftId,
      updatedAt: now,
    };
  }
}

/** Folds a line's events (any order) into its present status. */
export function lineStatusOf(line: IndexedLine, events: readonly FloorEvent[], shiftId: string | null, now: number): LineStatus {
  const tracker = new LineStatusTracker(line);
  for (const e of events) tracker.add(e);
  return tracker.status(shiftId, now);
}

/** True when two statuses differ in anything but `updatedAt`. */
export function hasStatusChanged(a: LineStatus | undefined, b: LineStatus): boolean {
  if (!a) return true;
  return JSON.stringify({ ...a, updatedAt: 0 }) !== JSON.stringify({ ...b, updatedAt: 0 });
}
