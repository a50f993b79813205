/**
 * Counter semantics of a machine connector (ADR 0013): what a PLC's absolute part counter means
 * as parts made. A reading is the raw value with its source timestamp.
 *
 * - The first reading is the baseline: parts made before it were never seen.
 * - A rise is that many parts; a repeated value is none, so a value read again after a reconnect
 *   never counts twice.
 * - A reading not newer than the last one applied (source time) is a redelivery or arrived out of
 *   order: it changes nothing.
 * - A drop is a rollover when the counter has a width and the drop goes from its top quarter to its
 *   bottom quarter (2^bits - 1 -> 0 -> on); any other drop is a reset, and the new value is the
 *   parts made since the reset. Never negative.
 */
export interface CounterReading {
  value: number;
  sourceTs: number;
}

export interface CounterTrack {
  /** The last raw value applied, or null before the first reading. */
  raw: number | null;
  sourceTs: number;
  /** Parts counted since the track began: monotonic, what the gateway sends as `machine.counter` `total`. */
  total: number;
}

export const newCounterTrack = (): CounterTrack => ({ raw: null, sourceTs: -1, total: 0 });

/** Parts made between two raw readings of a counter `bits` wide (undefined: no rollover, a drop is a reset). */
export function counterDelta(previous: number, next: number, bits: number | undefined): number {
  if (next >= previous) return next - previous;
  if (bits !== undefined) {
    const range = 2 ** bits;
    if (previous >= range * 0.75 && next < range * 0.25) return range - previous + next;
  }
  return next;
}

/** Applies one reading; returns the new track and the parts it adds (0 for a baseline, repeat or stale reading). */
export function applyReading(track: CounterTrack, reading: CounterReading, bits: number | undefined): { track: CounterTrack; parts: number } {
  if (!Number.isSafeInteger(reading.value) || reading.value < 0) return { track, parts: 0 };
  if (reading.sourceTs <= track.sourceTs) return { track, parts: 0 };
  const parts = track.raw === null ? 0 : counterDelta(track.raw, reading.value, bits);
  return { track: { raw: reading.value, sourceTs: reading.sourceTs, total: track.total + parts }, parts };
}
