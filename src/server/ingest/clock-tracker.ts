/** How long a sample counts towards a device's offset estimate. */
const WINDOW_MS = 10 * 60_000;
/** The estimate is the median of at most this many newest samples of the window. */
const MAX_SAMPLES = 15;
/** A device that looks behind is believed only after it kept looking so for this long. */
const BEHIND_EVIDENCE_MS = 2 * 60_000;

/**
 * Default of `MAX_EVENT_AHEAD_MS`: how far after its receipt an event may still lie once corrected.
 * An event cannot happen after it arrived, so anything ahead is a clock error; 24 h is more than
 * any time-zone mistake (UTC-12 to UTC+14), whose device is then corrected by its offset rather
 * than refused, and far less than the year that misbooked a device's events (issue 11, defect 5).
 */
export const DEFAULT_MAX_AHEAD_MS = 24 * 3600_000;
/**
 * Default of `MAX_EVENT_AGE_MS`: how long before its receipt an event may lie. Late is normal (a
 * tablet's outbox keeps entries through a network outage, a weekend, a holiday shutdown), so the
 * bound is long: 31 days. Older is a clock reset (1970, a firmware date), not an offline spell.
 */
export const DEFAULT_MAX_AGE_MS = 31 * 24 * 3600_000;

interface Sample {
  offsetMs: number;
  at: number;
}

/** What the service concludes about a device clock after a batch. */
export interface ClockReading {
  /** Best estimate of device clock minus service clock, ms. */
  estimateMs: number;
  /** The offset used to correct this batch (0 unless the device is surely ahead). */
  appliedMs: number;
  isFlagged: boolean;
}

/**
 * Estimates each device's clock offset (device clock minus service clock) from the newest event of
 * each batch: `ts - receivedAt`. The estimate is the median of the newest samples of the last ten
 * minutes (at most 15; the lower middle one of an even count), so one event with a wrong time
 * cannot move it: before issue 11 it was the largest sample, and one event a year ahead shifted
 * every later event of its device by a year for ten minutes. A fresh connect restarts the window
 * (the contract: the batch published right after connect is the measurement). Samples further
 * ahead than `maxAheadMs` are refused outright (`isBeyondBounds` refuses their events).
 *
 * A positive estimate is proof (an event cannot arrive before it happened), so a device ahead is
 * corrected. A negative one is ambiguous: a clock behind looks exactly like a backlog sent after
 * an offline spell. Correcting it would move old events to the present, so such a device is not
 * corrected; it is flagged once it kept looking behind beyond the limit for two minutes. Outbox
 * and transit delays make samples smaller, so the median errs low: a device ahead is corrected a
 * little less, and `correctTs` never places an event after its receipt.
 */
export class ClockTracker {
  readonly #devices = new Map<string, DeviceSamples>();
  /** Reused for the median: one sort of at most 15 numbers per batch, no allocation. */
  readonly #scratch = new Float64Array(MAX_SAMPLES);

  constructor(
    readonly limitMs: number,
    readonly bounds: { maxAheadMs: number; maxAgeMs: number } = { maxAheadMs: DEFAULT_MAX_AHEAD_MS, maxAgeMs: DEFAULT_MAX_AGE_MS },
  ) {}

  /** The device (re)connected: earlier samples no longer describe its clock. */
  reset(deviceId: string): void {
    this.#devices.delete(deviceId);
  }

  /** Whether an event's time may serve as a sample: not beyond the bound ahead of its receipt. */
  isPlausible(ts: number, receivedAt: number): boolean {
    return ts - receivedAt <= this.bounds.maxAheadMs;
  }

  /**
   * Why an event's time is refused (`bad-time`), or null: still more than `maxAheadMs` ahead of
   * its receipt after the device's offset is taken off, or more than `maxAgeMs` before it.
   */
  isBeyondBounds(ts: number, appliedMs: number, receivedAt: number): string | null {
    const aheadMs = ts - appliedMs - receivedAt;
    if (aheadMs > this.bounds.maxAheadMs) return `time ${new Date(ts).toISOString()} is ${formatHours(aheadMs)} ahead of the service clock after the device's offset (at most ${formatHours(this.bounds.maxAheadMs)})`;
    const ageMs = receivedAt - ts;
    if (ageMs > this.bounds.maxAgeMs) return `time ${new Date(ts).toISOString()} is ${formatHours(ageMs)} before its receipt (at most ${formatHours(this.bounds.maxAgeMs)})`;
    return null;
  }

  observe(deviceId: string, newestTs: number, receivedAt: number): ClockReading {
    let d = this.#devices.get(deviceId);
    if (!d) this.#devices.set(deviceId, (d = { samples: [], times: [] }));
    const { samples, times } = d;
    dropExpired(times, (at) => receivedAt - at > WINDOW_MS);
    dropExpired(samples, (s) => receivedAt - s.at > WINDOW_MS);
    samples.push({ offsetMs: Math.round(newestTs - receivedAt), at: receivedAt });
    if (samples.length > MAX_SAMPLES) samples.shift();
    times.push(receivedAt);
    const n = samples.length;
    for (let i = 0; i < n; i++) this.#scratch[i] = samples[i]!.offsetMs;
    const estimateMs = this.#scratch.subarray(0, n).sort()[(n - 1) >> 1]!;
    const appliedMs = Math.max(0, estimateMs);
    // The evidence runs from the oldest sample in the window, whatever its offset.
    const spanMs = receivedAt - times[0]!;
    const isFlagged = appliedMs > this.limitMs || (estimateMs < -this.limitMs && spanMs >= BEHIND_EVIDENCE_MS);
    return { estimateMs, appliedMs, isFlagged };
  }
}

const formatHours = (ms: number) => `${(ms / 3600_000).toFixed(1)} h`;

/** A device's newest samples of the window, and every receipt time of the window (the evidence span). */
interface DeviceSamples {
  samples: Sample[];
  times: number[];
}

/** Drops the expired prefix (samples are in receipt order), in one move rather than one per sample. */
function dropExpired<T>(list: T[], isExpired: (item: T) => boolean): void {
  let n = 0;
  while (n < list.length && isExpired(list[n]!)) n++;
  if (n === list.length) list.length = 0;
  else if (n > 0) list.splice(0, n);
}

/**
 * Device time brought onto the service clock. Never later than the receipt: an event cannot have
 * happened after it arrived, whatever the estimate says.
 */
export function correctTs(ts: number, offsetMs: number, receivedAt: number): number {
  return Math.max(0, Math.min(ts - offsetMs, receivedAt));
}
