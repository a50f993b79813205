/** How long a sample counts towards a device's offset estimate. */
const WINDOW_MS = 10 * 60_000;
/** A device that looks behind is believed only after it kept looking so for this long. */
const BEHIND_EVIDENCE_MS = 2 * 60_000;

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
 * each batch: `ts - receivedAt`. Outbox and transit delay only make a sample smaller than the true
 * offset, so the estimate is the largest sample of the last ten minutes, and a fresh connect
 * restarts the window (the contract: the batch published right after connect is the measurement).
 *
 * A positive sample is proof (an event cannot arrive before it happened), so a device ahead is
 * corrected. A negative one is ambiguous: a clock behind looks exactly like a backlog sent after
 * an offline spell. Correcting it would move old events to the present, so such a device is not
 * corrected; it is flagged once it kept looking behind beyond the limit for two minutes.
 */
export class ClockTracker {
  readonly #devices = new Map<string, DeviceSamples>();

  constructor(readonly limitMs: number) {}

  /** The device (re)connected: earlier samples no longer describe its clock. */
  reset(deviceId: string): void {
    this.#devices.delete(deviceId);
  }

  observe(deviceId: string, newestTs: number, receivedAt: number): ClockReading {
    let d = this.#devices.get(deviceId);
    if (!d) this.#devices.set(deviceId, (d = { candidates: [], times: [] }));
    const { candidates, times } = d;
    dropExpired(times, (at) => receivedAt - at > WINDOW_MS);
    dropExpired(candidates, (s) => receivedAt - s.at > WINDOW_MS);
    const offsetMs = Math.round(newestTs - receivedAt);
    // Only samples that can still be the maximum are kept: they strictly decrease, so the first
    // is the maximum. A device whose samples keep falling (a backlog being sent, a slow clock)
    // keeps every sample of the window, and each batch must still cost the same, not a walk
    // over all of them.
    while (candidates.length > 0 && candidates[candidates.length - 1]!.offsetMs <= offsetMs) candidates.pop();
    candidates.push({ offsetMs, at: receivedAt });
    times.push(receivedAt);
    const estimateMs = candidates[0]!.offsetMs;
    const appliedMs = Math.max(0, estimateMs);
    // The evidence runs from the oldest sample in the window, whatever its offset.
    const spanMs = receivedAt - times[0]!;
    const isFlagged = appliedMs > this.limitMs || (estimateMs < -this.limitMs && spanMs >= BEHIND_EVIDENCE_MS);
    return { estimateMs, appliedMs, isFlagged };
  }
}

/** A device's samples of the window: the candidates for the maximum, and every receipt time. */
interface DeviceSamples {
  candidates: Sample[];
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
