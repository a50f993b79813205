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
  readonly #samples = new Map<string, Sample[]>();

  constructor(readonly limitMs: number) {}

  /** The device (re)connected: earlier samples no longer describe its clock. */
  reset(deviceId: string): void {
    this.#samples.delete(deviceId);
  }

  observe(deviceId: string, newestTs: number, receivedAt: number): ClockReading {
    const kept = this.#samples.get(deviceId) ?? [];
    // Samples are in receipt order, so the ones out of the window are a prefix. Dropped in bulk,
    // so a long list is not moved for every batch.
    let expired = 0;
    while (expired < kept.length && receivedAt - kept[expired]!.at > WINDOW_MS) expired++;
    if (expired === kept.length) kept.length = 0;
    else if (expired > 0) kept.splice(0, expired);
    const offsetMs = Math.round(newestTs - receivedAt);
    // Only samples that can still be the maximum matter (plus the first, for the evidence span):
    // from the second on they strictly decrease, so the maximum is one of the first two. A device
    // whose samples keep falling (a backlog being sent, a slow clock) keeps every sample of the
    // window, and each batch must still cost the same, not a walk over all of them.
    while (kept.length > 1 && kept[kept.length - 1]!.offsetMs <= offsetMs) kept.pop();
    kept.push({ offsetMs, at: receivedAt });
    this.#samples.set(deviceId, kept);
    const estimateMs = kept.length > 1 ? Math.max(kept[0]!.offsetMs, kept[1]!.offsetMs) : offsetMs;
    const appliedMs = Math.max(0, estimateMs);
    const spanMs = receivedAt - kept[0]!.at;
    const isFlagged = appliedMs > this.limitMs || (estimateMs < -this.limitMs && spanMs >= BEHIND_EVIDENCE_MS);
    return { estimateMs, appliedMs, isFlagged };
  }
}

/**
 * Device time brought onto the service clock. Never later than the receipt: an event cannot have
 * happened after it arrived, whatever the estimate says.
 */
export function correctTs(ts: number, offsetMs: number, receivedAt: number): number {
  return Math.max(0, Math.min(ts - offsetMs, receivedAt));
}
