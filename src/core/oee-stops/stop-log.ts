import type { CorrectablePayload } from '../events.schema.ts';
import type { EffectiveEvent } from '../oee/line-timeline.ts';

/** Who opened a stop: a machine gateway's state signal, or a person (stop.start, changeover). */
export type StopSource = 'machine' | 'operator';

/** The event that gives a stop its reason, with the payload in force (after corrections). */
export interface ReasonEvent {
  id: string;
  type: 'stop.start' | 'stop.classify' | 'stop.split';
  author: string;
  ts: number;
  /** The effective payload: a correction of this event replaces it whole, so a new one starts from here. */
  payload: Extract<CorrectablePayload, { type: 'stop.start' | 'stop.classify' | 'stop.split' }>;
}

/** One recorded stop (before `now`, splits and reasons are applied); `end` is Infinity while open. */
export interface StopRow {
  id: string;
  start: number;
  end: number;
  stationId: string;
  source: StopSource;
  isSetup: boolean;
  /** The event that opened it: what a void cancels. */
  originEventId: string;
  /** Reason given at the start, if any. */
  given: ReasonEvent | null;
}

export interface SplitRow {
  event: ReasonEvent & { type: 'stop.split' };
  stopId: string;
  at: number;
  newStopId: string;
}

/**
 * A line's stops, classifications and splits as recorded from its effective events in sort order.
 * The same rules as the OEE engine's line timeline (src/core/oee/line-timeline.ts), kept apart so
 * the engine's internal columns can change freely; test/core/oee-stops checks both agree.
 */
export class StopLog {
  readonly rows: StopRow[] = [];
  readonly splits: SplitRow[] = [];
  /** Classifications per stop id, in event order. */
  readonly classified = new Map<string, ReasonEvent[]>();
  private readonly open: number[] = [];
  private readonly pendingEnds = new Map<string, number>();
  private readonly stationState = new Map<string, { state: string; openStop: number }>();
  private openChangeover = -1;

  /** Applies one effective event; events must come in sort order (`effectiveEvents`). */
  push(e: EffectiveEvent): void {
    switch (e.type) {
      case 'stop.start':
        this.openStop(e.stopId, e.ts, e.stationId, 'operator', false, e.id, e.reasonId ? reasonEvent(e) : null);
        return;
      case 'stop.end': {
        const row = this.findOpen(e.stopId);
        if (row >= 0) this.close(row, e.ts);
        else if (!this.pendingEnds.has(e.stopId)) this.pendingEnds.set(e.stopId, e.ts);
        return;
      }
      case 'stop.classify': {
        const list = this.classified.get(e.stopId);
        if (list) list.push(reasonEvent(e));
        else this.classified.set(e.stopId, [reasonEvent(e)]);
        return;
      }
      case 'stop.split':
        this.splits.push({ event: reasonEvent(e) as SplitRow['event'], stopId: e.stopId, at: e.at, newStopId: e.newStopId });
        return;
      case 'machine.state': {
        let s = this.stationState.get(e.stationId);
        if (!s) this.stationState.set(e.stationId, (s = { state: 'running', openStop: -1 }));
        if (e.state === s.state) return;
        if (s.openStop >= 0) this.close(s.openStop, e.ts);
        s.openStop = e.state === 'running' ? -1 : this.openStop(e.id, e.ts, e.stationId, 'machine', e.state === 'setup', e.id, null);
        s.state = e.state;
        return;
      }
      case 'changeover.start':
        if (this.openChangeover >= 0) this.close(this.openChangeover, e.ts);
        this.openChangeover = this.openStop(e.id, e.ts, e.stationId, 'operator', true, e.id, null);
        return;
      case 'changeover.end':
        if (this.openChangeover >= 0) this.close(this.openChangeover, e.ts);
        this.openChangeover = -1;
        return;
      default:
        return;
    }
  }

  private findOpen(id: string): number {
    for (let i = this.open.length - 1; i >= 0; i--) if (this.rows[this.open[i]!]!.id === id) return this.open[i]!;
    return -1;
  }

  /** The first end wins; an end before the start makes an empty stop. */
  private close(row: number, ts: number): void {
    const r = this.rows[row]!;
    if (r.end !== Infinity) return;
    r.end = Math.max(r.start, ts);
    const i = this.open.indexOf(row);
    if (i >= 0) this.open.splice(i, 1);
  }

  /** Opens a stop unless one with this id is open already (a repeated start); returns its row or -1. */
  private openStop(id: string, ts: number, stationId: string, source: StopSource, isSetup: boolean, originEventId: string, given: ReasonEvent | null): number {
    if (this.findOpen(id) >= 0) return -1;
    const pending = this.pendingEnds.get(id);
    const end = pending === undefined ? Infinity : Math.max(ts, pending);
    const row = this.rows.push({ id, start: ts, end, stationId, source, isSetup, originEventId, given }) - 1;
    if (end === Infinity) this.open.push(row);
    return row;
  }
}

function reasonEvent(e: Extract<EffectiveEvent, { type: ReasonEvent['type'] }>): ReasonEvent {
  // Only the payload: the envelope stays the raw event's, whatever corrects it.
  const { v: _v, id, deviceId: _d, seq: _s, ts, author, lineId: _l, stationId: _st, ...payload } = e;
  return { id, type: e.type, author, ts, payload };
}
