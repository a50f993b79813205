import type { SeenSeqs } from '../live.schema.ts';
import { MAX_SEEN_ABOVE } from '../live.schema.ts';

/**
 * Which of one device's sequence numbers a fold has included: the highest seq up to which it has
 * every one (gap-free from the lowest it saw: older entries lie before the fold's window and were
 * acknowledged long ago), and the ones it has above that. A tablet drops its waiting entries a
 * status already includes, so a count is never shown twice between a status and the entries' ack.
 */
export class SeqTracker {
  /** Every seq seen, and the lowest: the run that `upTo` ends starts there. */
  readonly #all = new Set<number>();
  #low = Infinity;
  #upTo = -1;
  /** Seen seqs above `upTo`. */
  #above = new Set<number>();

  /** Order does not matter: any order of the same seqs gives the same `read()`. */
  add(seq: number): void {
    if (this.#all.has(seq)) return;
    this.#all.add(seq);
    if (seq < this.#low) {
      // A lower seq starts the run anew (rare: an entry from before the fold's first ones, late).
      const isAdjacent = seq === this.#low - 1;
      this.#low = seq;
      if (!isAdjacent) {
        this.#upTo = seq;
        this.#above = new Set([...this.#all].filter((s) => s > seq));
      }
    } else if (seq !== this.#upTo + 1) {
      this.#above.add(seq);
      return;
    } else this.#upTo = seq;
    while (this.#above.delete(this.#upTo + 1)) this.#upTo++;
  }

  /** The wire form: the lowest `MAX_SEEN_ABOVE` seqs above `upTo` (the next to close the gap). */
  read(): SeenSeqs {
    const above = this.#above.size === 0 ? [] : [...this.#above].sort((a, b) => a - b).slice(0, MAX_SEEN_ABOVE);
    return { upTo: this.#upTo, above };
  }
}

/** Whether a status's `seen` already includes this entry of a device. */
export function isSeen(seen: Readonly<Record<string, SeenSeqs>> | undefined, e: { deviceId: string; seq: number }): boolean {
  const s = seen?.[e.deviceId];
  return s !== undefined && (e.seq <= s.upTo || s.above.includes(e.seq));
}

/**
 * Whether a status certainly does not include this entry of a device: it says what it has seen,
 * and the entry's seq is above all of it. When `above` is full (`MAX_SEEN_ABOVE`) it may hold more
 * than it names, so nothing is certain above the gap. An older service's status (no `seen`) says nothing.
 */
export function isCertainlyUnseen(seen: Readonly<Record<string, SeenSeqs>> | undefined, e: { deviceId: string; seq: number }): boolean {
  if (seen === undefined) return false;
  const s = seen[e.deviceId];
  if (s === undefined) return true;
  return s.above.length < MAX_SEEN_ABOVE && e.seq > Math.max(s.upTo, ...s.above);
}
