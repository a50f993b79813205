import type { FloorEvent } from '../../core/index.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { stateBefore, STATE_TYPES } from './bucket-history.ts';

const STATE_TYPE_SET: ReadonlySet<string> = new Set(STATE_TYPES);

/**
 * Per line, the state it was in before the bucket writer's engine runs begin (`stateBefore`, the
 * read every history route and the live view make): a stop open since the weekend is in this
 * hour's bucket as it is in the stop list and the shift report. Kept between flushes, so the
 * minute flush (whose runs begin at the same instant all hour) reads storage once an hour, not
 * every minute; a committed state event before that instant (a late one, an import) drops its
 * line's copy, and the next write reads it again.
 */
export class CarriedState {
  #before = Number.NaN;
  readonly #byLine = new Map<string, FloorEvent[]>();
  /** Raised by every drop: a read that a drop overtook is used once, not kept. */
  #drops = 0;

  constructor(private readonly storage: Storage) {}

  /** Each of `lineIds`' latest state events before `before`, oldest first. */
  async of(lineIds: readonly string[], before: number): Promise<ReadonlyMap<string, readonly FloorEvent[]>> {
    if (before !== this.#before) {
      this.#before = before;
      this.#byLine.clear();
    }
    const missing = lineIds.filter((id) => !this.#byLine.has(id));
    if (missing.length === 0) return this.#byLine;
    const drops = this.#drops;
    const read = new Map<string, FloorEvent[]>(missing.map((id) => [id, []]));
    for (const e of await stateBefore(this.storage, missing, before)) read.get(e.lineId)?.push(e);
    if (drops !== this.#drops || before !== this.#before) return new Map([...this.#byLine, ...read]);
    for (const [id, events] of read) this.#byLine.set(id, events);
    return this.#byLine;
  }

  /** Freshly committed events: a state event before the kept instant drops its line's copy. */
  touch(records: readonly StoredEventInput[]): void {
    for (const r of records) {
      if (r.correctedTs >= this.#before || !STATE_TYPE_SET.has(r.event.type)) continue;
      this.#byLine.delete(r.event.lineId);
      this.#drops++;
    }
  }
}
