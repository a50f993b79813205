import type { FloorEvent } from '../../core/index.ts';
import { compareEvents } from '../../core/oee/normalize.ts';
import type { StoredEventInput } from '../storage/storage.ts';

/** Fields whose values repeat across events (ids from the plant and its devices), never free text. */
const SHARED_FIELDS = ['type', 'deviceId', 'author', 'lineId', 'stationId', 'productId', 'state', 'reasonId'] as const;

/**
 * A stored record as the engine reads it: on the service clock (corrected time), its repeating
 * strings replaced by one shared copy each (parsed JSON gives every event its own, and the held
 * hours of every line are the service's largest memory; bench:buckets).
 */
export function engineEvent(r: StoredEventInput, pool: Map<string, string>): FloorEvent {
  const e: Record<string, unknown> = { ...r.event, ts: r.correctedTs };
  for (const k of SHARED_FIELDS) {
    const v = e[k];
    if (typeof v !== 'string') continue;
    const shared = pool.get(v);
    if (shared === undefined) pool.set(v, v);
    else e[k] = shared;
  }
  return e as unknown as FloorEvent;
}

const isEdit = (type: string) => type === 'correction' || type === 'void';

/** Index of the first event with ts >= `ts` in a list sorted by compareEvents. */
function firstAtOrAfter(list: readonly FloorEvent[], ts: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts < ts) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every stored event with corrected time at or after `from`, per line in the engine's order, so a
 * write reads a line's hours without a query and the engine takes its in-order fast path.
 * Corrections and voids are kept apart and go with every line's slice: an edit may name an event
 * of another line, and the engine applies it wherever its target is (as over a plant-wide read).
 */
export class RecentEvents {
  private readonly byLine = new Map<string, FloorEvent[]>();
  private edits: FloorEvent[] = [];
  private size = 0;
  /**
   * Lists that took an event out of order since they were last read. They are sorted on the next
   * read, not per event: an insert in place costs a walk and a move per late event, quadratic
   * when several tablets sync the same hours one after the other (bench:ingest collapsed); TimSort
   * merges the few sorted runs of a minute's appends in about linear time.
   */
  private readonly unsorted = new Set<FloorEvent[]>();
  /** One copy of each repeating string (see engineEvent): as many as the plant has ids and devices. */
  private readonly pool = new Map<string, string>();

  constructor(public from: number) {}

  /** Adds a stored record (see add). */
  addStored(r: StoredEventInput): void {
    if (r.correctedTs >= this.from) this.add(engineEvent(r, this.pool));
  }

  /** Events held (for the memory bound). */
  get count(): number {
    return this.size;
  }

  /** Whether every stored event at or after `ts` is held. */
  covers(ts: number): boolean {
    return ts >= this.from;
  }

  /** Whether this stored record is held already. */
  holds(r: StoredEventInput): boolean {
    const list = this.sorted((isEdit(r.event.type) ? this.edits : this.byLine.get(r.event.lineId)) ?? []);
    for (let i = firstAtOrAfter(list, r.correctedTs); i < list.length && list[i]!.ts === r.correctedTs; i++) if (list[i]!.id === r.event.id) return true;
    return false;
  }

  /** Adds an event already in storage; older than `from` it is not held (a write that needs it reads storage). */
  add(e: FloorEvent): void {
    if (e.ts < this.from) return;
    let list: FloorEvent[] | undefined;
    if (isEdit(e.type)) list = this.edits;
    else if (!(list = this.byLine.get(e.lineId))) this.byLine.set(e.lineId, (list = []));
    const last = list[list.length - 1];
    list.push(e);
    if (last !== undefined && compareEvents(last, e) > 0) this.unsorted.add(list);
    this.size++;
  }

  /** `list` in compareEvents order (sorted now if it took events out of order). */
  private sorted(list: FloorEvent[]): FloorEvent[] {
    if (this.unsorted.delete(list)) list.sort(compareEvents);
    return list;
  }

  /** Drops events before `from`. */
  trim(from: number): void {
    if (from <= this.from) return;
    this.from = from;
    const cut = (list: FloorEvent[]) => {
      const i = firstAtOrAfter(this.sorted(list), from);
      this.size -= i;
      return i ? list.slice(i) : list;
    };
    for (const [line, list] of this.byLine) this.byLine.set(line, cut(list));
    this.edits = cut(this.edits);
  }

  /** A line's events in [from, to), with every edit in that span. */
  slice(lineId: string, from: number, to: number): FloorEvent[] {
    const list = this.sorted(this.byLine.get(lineId) ?? []);
    const own = list.slice(firstAtOrAfter(list, from), firstAtOrAfter(list, to));
    if (this.edits.length === 0) return own;
    const edits = this.sorted(this.edits).slice(firstAtOrAfter(this.edits, from), firstAtOrAfter(this.edits, to));
    return edits.length ? own.concat(edits) : own;
  }
}
