import type { FloorEvent } from '../events.schema.ts';
import type { Line } from '../plant.schema.ts';
import { LineTimeline } from './line-timeline.ts';
import { effectiveEvents } from './normalize.ts';

/** A time span [start, end), ms since epoch. */
export interface TimeSpan {
  start: number;
  end: number;
}

/**
 * What the engine is told about monitoring beyond the events (docs/adr/0009-no-data.md). The engine
 * stays pure: the service reads these from storage and passes them in.
 *
 * @example
 * computeOee(plant, events, query, { firstEventAt: new Map([['l1', t0]]), serviceDown: [{ start, end }] });
 */
export interface Monitoring {
  /**
   * Per line, the time of its first stored event, when the caller knows more history than the
   * events it passes (a window's events start at the window). Otherwise the first event given counts.
   */
  firstEventAt?: ReadonlyMap<string, number>;
  /** When the plant service was down (the gaps between its runs): nobody saw anything then. */
  serviceDown?: readonly TimeSpan[];
  /**
   * Until when the line's machine signals could be heard by the caller (default: `now`). A tablet
   * hears them only through the service's statuses: offline it hears none, which says nothing of
   * the machine. A gateway's silence is judged at this moment, not at `now`.
   */
  signalsHeardUntil?: number;
}

/** When monitoring of a line starts: `monitoredFrom` from the plant file, else its first event. */
export function monitoredSince(line: Line, tl: LineTimeline, monitoring: Monitoring | undefined): number {
  if (line.monitoredFrom !== undefined) return Date.parse(line.monitoredFrom);
  return Math.min(tl.firstTs, monitoring?.firstEventAt?.get(line.id) ?? Infinity);
}

/**
 * A line's no-data spans as known at `now`, sorted and disjoint, as flat [start0, end0, start1, ...]:
 * before monitoring starts, while the service was down, and while its gateway was silent for longer
 * than the heartbeat timeout (from the last signal heard, since nothing was seen after it).
 */
export function noDataSpans(tl: LineTimeline, now: number, monitoring: Monitoring | undefined): number[] {
  const spans: number[] = [];
  const since = monitoredSince(tl.line, tl, monitoring);
  spans.push(-Infinity, Math.min(since, now));
  for (const d of monitoring?.serviceDown ?? []) if (d.start < now && d.end > d.start) spans.push(d.start, Math.min(d.end, now));
  if (tl.firstSignal <= now) gatewaySilences(tl, now, Math.min(now, monitoring?.signalsHeardUntil ?? now), spans);
  return merge(spans);
}

/**
 * Silences of the gateway as known at `now`: a signal after `now` is not heard yet. One still
 * open counts once it passed the timeout by `heardUntil` (see `Monitoring.signalsHeardUntil`).
 */
function gatewaySilences(tl: LineTimeline, now: number, heardUntil: number, out: number[]): void {
  const timeout = tl.silenceTimeoutMs;
  const { silenceStart, silenceEnd } = tl;
  for (let i = 0; i < silenceStart.length; i++) {
    const start = silenceStart[i] as number;
    if (start > now) return;
    const end = silenceEnd[i] as number;
    if (end <= now) out.push(start, end);
    // The next signal is not heard yet: silent since `start`, no data once the timeout passed.
    else if (heardUntil - start > timeout) out.push(start, now);
    if (end > now) return;
  }
  // Signals after `now` came within the timeout of the last one before it, or a silence above says so.
  if (tl.lastSignal <= now && heardUntil - tl.lastSignal > timeout) out.push(tl.lastSignal, now);
}

function merge(flat: number[]): number[] {
  const n = flat.length / 2;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (flat[2 * a] as number) - (flat[2 * b] as number));
  const out: number[] = [];
  for (const i of order) {
    const s = flat[2 * i] as number;
    const e = flat[2 * i + 1] as number;
    if (e <= s) continue;
    const last = out.length - 1;
    if (last > 0 && s <= (out[last] as number)) out[last] = Math.max(out[last] as number, e);
    else out.push(s, e);
  }
  return out;
}

/** One run of the plant service, from its run log: a crashed run (no end) ends at its last `aliveAt`. */
export interface RunRecord {
  startedAt: number;
  aliveAt: number;
  endedAt: number | null;
}

/**
 * When the service was down: the gaps between its runs. Time before the first run is not a gap
 * (events from before, like a backfill or a migration, still count), and the last run goes on.
 *
 * @example
 * serviceDownFrom([{ startedAt: 0, aliveAt: 50, endedAt: null }, { startedAt: 80, aliveAt: 90, endedAt: null }]); // [{ start: 50, end: 80 }]
 */
export function serviceDownFrom(runs: readonly RunRecord[]): TimeSpan[] {
  const sorted = [...runs].sort((a, b) => a.startedAt - b.startedAt);
  const out: TimeSpan[] = [];
  let seenUntil = -Infinity;
  for (const r of sorted) {
    if (r.startedAt > seenUntil && seenUntil > -Infinity) out.push({ start: seenUntil, end: r.startedAt });
    seenUntil = Math.max(seenUntil, r.endedAt ?? r.aliveAt, r.aliveAt);
  }
  return out;
}

/**
 * A line's no-data spans at `now` straight from its events (any order, with edits): for views that
 * draw time (the timeline), through the same fold and rules as the figures.
 */
export function lineNoData(line: Line, events: readonly FloorEvent[], now: number, monitoring: Monitoring | undefined): TimeSpan[] {
  const tl = new LineTimeline(line);
  for (const e of effectiveEvents(events, now)) if (e.lineId === line.id) tl.push(e);
  const flat = noDataSpans(tl, now, monitoring);
  const out: TimeSpan[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push({ start: flat[i] as number, end: flat[i + 1] as number });
  return out;
}

/**
 * How much of [start, end) lies inside no-data spans (sorted, disjoint; `lineNoData`). A stop's
 * counted time is the rest: the engine counts no stop time where nobody saw (ADR 0009), so a stop
 * list shows the same split as OEE.
 * @example noDataWithin(0, 100, [{ start: 50, end: 80 }]); // 30
 */
export function noDataWithin(start: number, end: number, spans: readonly TimeSpan[]): number {
  let ms = 0;
  for (const s of spans) {
    if (s.start >= end) break;
    const d = Math.min(end, s.end) - Math.max(start, s.start);
    if (d > 0) ms += d;
  }
  return ms;
}
