
/** Offsets above this are shown to the operator: entries would land in the wrong minute. */
export const OFFSET_WARN_MS = 60_000;

/** A ticking "now" for live timers, and the measured offset of this tablet's clock. */
class ClockManager {
  now = $state(Date.now());
  /** Service time minus device time, ms (round-trip midpoint), null until measured. */
  offsetMs = $state<number | null>(null);
  isOffsetLarge = $derived(this.offsetMs !== null && Math.abs(this.offsetMs) > OFFSET_WARN_MS);

  /** Starts the 1 s tick; returns its cleanup. */
  listen(): () => void {
    const tick = setInterval(() => (this.now = Date.now()), 1000);
    return () => clearInterval(tick);
  }

  async measure(): Promise<void> {
    try {
      const { api } = await import('../services/api-client.ts');
      const sent = Date.now();
      const { now } = await api.time();
      const received = Date.now();
      this.offsetMs = Math.round(now - (sent + received) / 2);
    } catch {
      // offline: keep the last measurement
    }
  }
}

export const clock = new ClockManager();
