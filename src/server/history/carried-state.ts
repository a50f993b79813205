import type { FloorEvent } from '../../core/index.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { stateBefore, STATE_TYPES } from './bucket-history.ts';
import { nextTurn } from './stored-slices.ts';

const STATE_TYPE_SET: ReadonlySet<string> = new Set(STATE_TYPES);
/** Instants kept: the minute flush's, and a few of the runs that write back (a stop's first hour) between them. */
const KEPT_INSTANTS = 4;

/**
 * Per line, the state it was in before the bucket writer's engine runs begin (`stateBefore`, the
 * read every history route and the live view make): a stop open since the weekend is in this
 * hour's bucket as it is in the stop list and the shift report. Kept between flushes, so the
 * minute flush (whose runs begin at the same instant all hour) reads storage once an hour, not
 * every minute; a committed state event before a kept instant (a late one, an import) drops its
 * line's copy, and the next write reads it again.
 */
export class CarriedState {
  /** By instant, the one used last at the end. */
  readonly #kept = new Map<number, Map<string, FloorEvent[]>>();
  /** Raised by every drop: a read that a drop overtook is used once, not kept. */
  #drops = 0;

  constructor(private readonly storage: Storage) {}

  /** Each of `lineIds`' latest state events before `before`, oldest first. */
  async of(lineIds: readonly string[], before: number): Promise<ReadonlyMap<string, readonly FloorEvent[]>> {
    const byLine = this.#kept.get(before) ?? new Map<string, FloorEvent[]>();
    this.#kept.delete(before);
    this.#kept.set(before, byLine);
    for (const instant of this.#kept.keys()) if (this.#kept.size > KEPT_INSTANTS) this.#kept.delete(instant);
    const missing = lineIds.filter((id) => !byLine.has(id));
    if (missing.length === 0) return byLine;
    const drops = this.#drops;
    // One line per turn of the event loop, as the writer reads events (stored-slices.ts): a read
    // of every line at once is up to 450 rows a line parsed in one turn.
    const read = new Map<string, FloorEvent[]>();
    for (const id of missing) {
      read.set(id, await stateBefore(this.storage, [id], before));
      await nextTurn();
    }
    if (drops !== this.#drops || this.#kept.get(before) !== byLine) return new Map([...byLine, ...read]);
    for (const [id, events] of read) byLine.set(id, events);
    return byLine;
  }

  /** Freshly committed events: a state event before a kept instant drops its line's copy there. */
  touch(records: readonly StoredEventInput[]): void {
    for (const r of records) {
      if (!STATE_TYPE_SET.has(r.event.type)) continue;
      for (const [before, byLine] of this.#kept) {
        if (r.correctedTs >= before) continue;
        byLine.delete(r.event.lineId);
        this.#drops++;
      }
    }
  }
}
