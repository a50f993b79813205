import type { LossCategory } from '../plant.schema.ts';
import { displayStateOfLoss, displayStates, stateCode, type DisplayState } from './states.ts';

/** A piece of the service's timeline (GET /api/timeline): run time or one stop. */
export interface TimelineSegment {
  start: number;
  end: number;
  /** 'no-data': time nobody saw (ADR 0009), never drawn as running. */
  state: 'running' | 'stopped' | 'no-data';
  stopId: string | null;
  reasonId: string | null;
  loss: LossCategory | string | null;
}

/** Planned time of the window: shift occurrences with their breaks (see core/oee/calendar). */
export interface PlannedSpan {
  start: number;
  end: number;
  breaks: ReadonlyArray<readonly [number, number]>;
}

/** Disjoint bands covering [from, to), as typed arrays so thousands of bands cost little. */
export interface StateBands {
  start: Float64Array;
  end: Float64Array;
  /** `stateCode` of each band's display state. */
  state: Uint8Array;
  /** Index into the input segments, -1 for time no segment covers. */
  segment: Int32Array;
  length: number;
}

/**
 * Cuts [from, to) into state bands: outside shifts is "not scheduled", breaks are "planned" (a
 * stop over a break too), stops take their loss's state (minor stop, changeover, planned stop, stopped), the rest runs.
 * Time after the last segment (the future) is left out. Adjacent equal bands merge.
 */
export function stateBands(segments: readonly TimelineSegment[], planned: readonly PlannedSpan[], from: number, to: number): StateBands {
  const cuts = new Set<number>([from]);
  const add = (...ts: number[]) => {
    for (const t of ts) if (t > from && t < to) cuts.add(t);
  };
  for (const s of segments) add(s.start, s.end);
  for (const p of planned) {
    add(p.start, p.end);
    for (const [a, b] of p.breaks) add(a, b);
  }
  const end = segments.reduce((m, s) => Math.max(m, s.end), from);
  const points = [...cuts].filter((t) => t < end).sort((a, b) => a - b);
  points.push(end);
  const sorted = segments.map((s, i) => ({ s, i })).sort((a, b) => a.s.start - b.s.start);
  const out = { start: [] as number[], end: [] as number[], state: [] as number[], segment: [] as number[] };
  let k = 0;
  for (let j = 0; j + 1 < points.length; j++) {
    const a = points[j]!;
    const b = points[j + 1]!;
    const mid = (a + b) / 2;
    while (k < sorted.length && sorted[k]!.s.end <= mid) k++;
    const hit = k < sorted.length && sorted[k]!.s.start <= mid ? sorted[k]! : null;
    const state = bandState(hit?.s ?? null, planned, mid);
    const code = stateCode(state);
    const idx = hit?.i ?? -1;
    const last = out.state.length - 1;
    if (last >= 0 && out.state[last] === code && out.segment[last] === idx && out.end[last] === a) out.end[last] = b;
    else {
      out.start.push(a);
      out.end.push(b);
      out.state.push(code);
      out.segment.push(idx);
    }
  }
  return { start: Float64Array.from(out.start), end: Float64Array.from(out.end), state: Uint8Array.from(out.state), segment: Int32Array.from(out.segment), length: out.state.length };
}

function bandState(seg: TimelineSegment | null, planned: readonly PlannedSpan[], t: number): DisplayState {
  const shift = planned.find((p) => p.start <= t && t < p.end);
  if (seg?.state === 'no-data') {
    if (planned.length > 0 && !shift) return 'not-scheduled';
    return shift?.breaks.some(([a, b]) => a <= t && t < b) ? 'planned' : 'no-data';
  }
  // A break or time off shift is no stop, whatever the machine did then: the engine counts no loss there.
  if (planned.length > 0 && !shift) return 'not-scheduled';
  if (shift?.breaks.some(([a, b]) => a <= t && t < b)) return 'planned';
  if (seg?.state === 'stopped') return displayStateOfLoss((seg.loss ?? 'breakdown') as LossCategory);
  return seg ? 'running' : 'not-scheduled';
}

/** The display state of a band code. */
export const bandStateName = (code: number): DisplayState => displayStates[code] ?? 'unknown';

/** Total ms per display state over the bands (the legend's figures). */
export function stateTotals(b: StateBands): Record<DisplayState, number> {
  const out = Object.fromEntries(displayStates.map((s) => [s, 0])) as Record<DisplayState, number>;
  for (let i = 0; i < b.length; i++) out[bandStateName(b.state[i]!)] += b.end[i]! - b.start[i]!;
  return out;
}

/**
 * Lays no-data spans (sorted, disjoint; lineNoData) over timeline segments: time inside them is
 * "no data" whatever was recorded there, as the OEE engine books it (ADR 0009).
 */
export function overlayNoData(segments: readonly TimelineSegment[], noData: readonly { start: number; end: number }[]): TimelineSegment[] {
  if (noData.length === 0 || segments.length === 0) return [...segments];
  const out: TimelineSegment[] = [];
  const blank = { stopId: null, reasonId: null, loss: null };
  for (const s of segments) {
    let cur = s.start;
    for (const g of noData) {
      if (g.end <= cur) continue;
      if (g.start >= s.end) break;
      if (g.start > cur) out.push({ ...s, start: cur, end: g.start });
      const end = Math.min(g.end, s.end);
      const last = out[out.length - 1];
      const start = Math.max(g.start, cur);
      if (last && last.state === 'no-data' && last.end === start) last.end = end;
      else out.push({ start, end, state: 'no-data', ...blank });
      cur = end;
    }
    if (cur < s.end) out.push({ ...s, start: cur });
  }
  return out;
}
