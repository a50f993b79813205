import type { Line } from '../plant.schema.ts';
import { LineTimeline, type EffectiveEvent } from '../oee/line-timeline.ts';
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
  readonly #machineStationId: string;
  readonly #timeoutMs: number;

  constructor(line: Line) {
    // Counts are read after every event: kept as running totals, read in O(log n).
    this.line = new LineTimeline(line, new PrefixCounts());
    for (const st of line.stations) this.stations.set(st.id, new LineTimeline(line, new PrefixCounts()));
    this.product = line.products[0]?.productId ?? null;
    this.#machineStationId = line.machineStationId ?? line.stations[0]?.id ?? '';
    this.#timeoutMs = line.heartbeatTimeoutSec * 1000;
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
        break;
      case 'changeover.start':
        this.changeovers.set(e.id, { from: this.product, to: e.toProductId });
        this.product = e.toProductId;
        break;
      case 'machine.state':
        if (e.state === 'setup') this.changeovers.set(e.id, { from: this.product, to: null });
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
