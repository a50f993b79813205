import type { BrokerLink } from '../adapters/mqtt-link.ts';
import type { DeviceReport } from '../../core/contracts/devices.ts';

/** A change of the outbox is reported once things settle, not per tap. */
const DEBOUNCE_MS = 2000;
/** And every minute, so a restarted service knows every device again within a minute. */
const EVERY_MS = 60_000;

export interface ReporterDeps {
  topic: string;
  deviceId: string;
  appVersion: string;
  stationId: string | undefined;
  /** Waiting (not acknowledged) and rejected entries: counted only when a report goes out. */
  counts(): { waiting: number; rejected: number };
  now(): number;
}

/**
 * The tablet's report for the admins' device list (`topics.deviceStatus`): app version, station,
 * waiting entries. Sent on every connect, a moment after the outbox changed, and every minute.
 * A tap costs one comparison of the outbox size here (`changed`); the count is made at sending.
 */
export class DeviceReporter {
  #link: BrokerLink | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #interval: ReturnType<typeof setInterval> | null = null;
  #sentSize = -1;

  constructor(private readonly deps: ReporterDeps) {}

  connected(link: BrokerLink): void {
    this.#link = link;
    this.#send();
    this.#interval ??= setInterval(() => this.#send(), EVERY_MS);
  }

  lost(): void {
    this.#link = null;
  }

  /** The outbox may have changed: `size` is its number of entries now. */
  changed(size: number): void {
    if (size === this.#sentSize || this.#timer !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#send();
    }, DEBOUNCE_MS);
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#interval !== null) clearInterval(this.#interval);
    [this.#timer, this.#interval, this.#link] = [null, null, null];
  }

  #send(): void {
    const link = this.#link;
    if (!link) return;
    const { waiting, rejected } = this.deps.counts();
    this.#sentSize = waiting + rejected;
    const report: DeviceReport = { v: 1, deviceId: this.deps.deviceId, appVersion: this.deps.appVersion, waiting, rejected, at: this.deps.now(), ...(this.deps.stationId ? { stationId: this.deps.stationId } : {}) };
    // Nice to have: a lost report is replaced by the next one.
    link.publish(this.deps.topic, JSON.stringify(report)).catch(() => {});
  }
}
