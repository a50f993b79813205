import type { Line } from '../plant.schema.ts';
import { counterDelta, LineTimeline, type EffectiveEvent } from '../oee/line-timeline.ts';
import { StopLog } from '../oee-stops/stop-log.ts';
import { PrefixCounts } from './prefix-counts.ts';
import { SERVICE_AUTHOR } from '../gateway/fault-reason.ts';

/** What a changeover (or a machine's setup state) went from and to. */
export interface ChangeoverProducts {
  from: string | null;
  /** Null for a machine's setup state, which names no product. */
  to: string | null;
}

const isSignal = (e: EffectiveEvent) => e.type === 'machine.state' || e.type === 'machine.counter' || e.type === 'machine.heartbeat';

/**
 * Everything the station fold reads, built by stepping a line's effective events in sort order,
 * each at O(1) amortised. Counts and stops go into the OEE engine's own structures (LineTimeline,
 * StopLog), so the fold cannot count or book differently from the engine.
 */
export class Derived {
  /** The whole line: counts and planned time exactly as the OEE engine's. */
  readonly line: LineTimeline;
  /** One timeline per station, fed only that station's events: its share of the line's counts. */
  readonly stations = new Map<string, LineTimeline>();
  readonly stops = new StopLog();
  /** The product running (or being set up): the OEE engine's rule for the line's product. */
  product: string | null;
  readonly changeovers = new Map<string, ChangeoverProducts>();
  /** Latest signal (state, counter, heartbeat) of the machine station; null without a gateway. */
  lastSignalAt: number | null = null;
  /** Where the latest gateway silence (longer than the timeout) ended. */
  gapEnd = -Infinity;
  /** Time of the line's first event. */
  firstTs: number | null = null;
  /** Author of the latest operator entry. */
  operatorId: string | null = null;
  /** Start of the machine station's current run of parts (counter readings that rose, none further apart than the small-stop threshold); null while it makes none. */
  producingSince: number | null = null;
  /** Time of the machine station's latest counter reading that rose. */
  lastPartsAt: number | null = null;
  #lastTotal = Number.NaN;
  readonly #smallStopMs: number;
  readonly #machineStationId: string;
  readonly #timeoutMs: number;

  constructor(line: Line) {
    // Counts are read after every event: kept as running totals, read in O(log n).
    this.line = new LineTimeline(line, new PrefixCounts());
    for (const st of line.stations) this.stations.set(st.id, new LineTimeline(line, new PrefixCounts()));
    this.product = line.products[0]?.productId ?? null;
    this.#machineStationId = line.machineStationId ?? line.stations[0]?.id ?? '';
    this.#timeoutMs = line.heartbeatTimeoutSec * 1000;
    this.#smallStopMs = line.smallStopThresholdSec * 1000;
  }

  /** Follows the machine's parts: the engine's counter rule (a drop is a reset, the first reading a baseline). */
  #parts(e: Extract<EffectiveEvent, { type: 'machine.counter' }>): void {
    const last = this.#lastTotal;
    this.#lastTotal = e.total;
    const delta = counterDelta(last, e.total);
    if (delta <= 0) return;
    // Parts after a pause start a new run: only this reading's time is known to be producing.
    if (this.producingSince === null || this.lastPartsAt === null || e.ts - this.lastPartsAt > this.#smallStopMs) this.producingSince = e.ts;
    this.lastPartsAt = e.ts;
  }

  /** When the machine has been making parts since, at `now`, if it has for the small-stop threshold and still does. */
  producingAt(now: number): number | null {
    const since = this.producingSince;
    const last = this.lastPartsAt;
    if (since === null || last === null || now - last > this.#smallStopMs || last - since < this.#smallStopMs) return null;
    return since;
  }

  /** Applies one effective event; events come in sort order (ts, device, seq, id). */
  step(e: EffectiveEvent): void {
    this.line.push(e);
    this.stations.get(e.stationId)?.push(e);
    this.stops.push(e);
    this.firstTs ??= e.ts;
    switch (e.type) {
      case 'count':
      case 'changeover.end':
        this.product = e.productId;
        break;
      case 'machine.counter':
        if (e.productId) this.product = e.productId;
        if (e.stationId === this.#machineStationId) this.#parts(e);
        break;
      case 'changeover.start':
        this.changeovers.set(e.id, { from: this.product, to: e.toProductId });
        this.product = e.toProductId;
        break;
      case 'machine.state':
        if (e.state === 'setup') this.changeovers.set(e.id, { from: this.product, to: null });
        if (e.state !== 'running' && e.stationId === this.#machineStationId) this.producingSince = null;
        break;
      default:
        break;
    }
    if (isSignal(e)) {
      if (e.stationId !== this.#machineStationId) return;
      if (this.lastSignalAt !== null && e.ts - this.lastSignalAt > this.#timeoutMs) this.gapEnd = e.ts;
      this.lastSignalAt = e.ts;
      // The service's own events (fault reasons, andon raises) are nobody working the station.
    } else if (e.author !== SERVICE_AUTHOR) this.operatorId = e.author;
  }
}
