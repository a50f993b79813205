import type { FloorEvent } from '../events.schema.ts';
import type { Line } from '../plant.schema.ts';
import { compareEvents } from '../oee/normalize.ts';
import { machineStationOf } from '../plant-index.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MIN = 60_000;
const DAY = 86_400_000;

/** mulberry32: a tiny seeded PRNG, so the same seed always gives the same plant history. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A ULID-shaped id: 10 chars of time, 16 of counter. Built in one piece so it is a flat string, as parsed JSON would be. */
export function ulidOf(ts: number, counter: number): string {
  const codes = new Array<number>(26);
  let x = ts;
  for (let i = 9; i >= 0; i--, x = Math.floor(x / 32)) codes[i] = CROCKFORD.charCodeAt(x % 32);
  x = counter;
  for (let i = 25; i >= 10; i--, x = Math.floor(x / 32)) codes[i] = CROCKFORD.charCodeAt(x % 32);
  return String.fromCharCode(...codes);
}

export interface LineHistoryOptions {
  line: Line;
  /** Distinguishes lines in ids and seeds. */
  lineNo: number;
  /** First day's 00:00, ms since epoch. */
  from: number;
  days: number;
  seed: number;
  stopsPerDay?: number;
  changeoversPerDay?: number;
}

/**
 * A plausible history of one line, in event order, one day at a time: a count per minute while the
 * line runs, `stopsPerDay` stops (most of them minor, a third seen by the machine gateway, long ones
 * classified), and changeovers between the line's products. Ids are ULID-shaped (time + counter).
 */
export function* lineHistory(o: LineHistoryOptions): Generator<FloorEvent[]> {
  const rnd = prng(o.seed * 7919 + o.lineNo);
  const stationId = machineStationOf(o.line).id;
  const tab = `tab-${o.line.id}`;
  const gw = `gw-${o.line.id}`;
  const seq = new Map<string, number>([
    [tab, 0],
    [gw, 0],
  ]);
  const products = o.line.products.map((p) => p.productId);
  const reasons = ['jam', 'material', 'tooling', 'quality-check', 'cleaning'];
  let n = 0;
  let product = 0;
  const ev = (ts: number, deviceId: string, payload: Record<string, unknown>): FloorEvent =>
    ({ v: 1, id: ulidOf(ts, o.lineNo * 2 ** 36 + n++), deviceId, seq: 0, ts, author: deviceId, lineId: o.line.id, stationId, ...payload }) as FloorEvent;
  for (let d = 0; d < o.days; d++) {
    const day0 = o.from + d * DAY;
    const out: FloorEvent[] = [];
    const blocked: Array<[number, number]> = [];
    const nStops = o.stopsPerDay ?? 60;
    for (let i = 0; i < nStops; i++) {
      const start = day0 + Math.floor(rnd() * (DAY - 40 * MIN));
      const isMinor = rnd() < 0.7;
      const len = isMinor ? 20_000 + Math.floor(rnd() * 90_000) : 3 * MIN + Math.floor(rnd() * 22 * MIN);
      if (!isMinor) blocked.push([start, start + len]);
      if (rnd() < 0.33) {
        const s = ev(start, gw, { type: 'machine.state', state: rnd() < 0.8 ? 'fault' : 'blocked' });
        out.push(s, ev(start + len, gw, { type: 'machine.state', state: 'running' }));
        if (!isMinor) out.push(ev(start + len + 5_000, tab, { type: 'stop.classify', stopId: s.id, reasonId: reasons[Math.floor(rnd() * reasons.length)] }));
      } else {
        const s = ev(start, tab, { type: 'stop.start', stopId: '' });
        (s as { stopId: string }).stopId = s.id;
        out.push(s, ev(start + len, tab, { type: 'stop.end', stopId: s.id }));
        if (!isMinor) out.push(ev(start + len + 5_000, tab, { type: 'stop.classify', stopId: s.id, reasonId: reasons[Math.floor(rnd() * reasons.length)] }));
      }
    }
    for (let c = 0; c < (o.changeoversPerDay ?? 2); c++) {
      const start = day0 + Math.floor(((c + rnd()) / (o.changeoversPerDay ?? 2)) * (DAY - 40 * MIN));
      const len = 10 * MIN + Math.floor(rnd() * 20 * MIN);
      product = (product + 1) % products.length;
      out.push(ev(start, tab, { type: 'changeover.start', toProductId: products[product] }));
      out.push(ev(start + len, tab, { type: 'changeover.end', productId: products[product] }));
      blocked.push([start, start + len]);
    }
    blocked.sort((a, b) => a[0] - b[0]);
    let bi = 0;
    let current = products[0] as string;
    const changes = out.filter((e) => e.type === 'changeover.start').sort((a, b) => a.ts - b.ts);
    let ci = 0;
    for (let t = day0 + MIN; t <= day0 + DAY - MIN; t += MIN) {
      while (bi < blocked.length && (blocked[bi] as [number, number])[1] <= t - MIN) bi++;
      while (ci < changes.length && (changes[ci] as FloorEvent).ts <= t) current = ((changes[ci++] as FloorEvent & { toProductId: string }).toProductId);
      const isStopped = bi < blocked.length && (blocked[bi] as [number, number])[0] < t;
      if (isStopped) continue;
      const reject = rnd() < 0.15 ? 1 + Math.floor(rnd() * 2) : 0;
      out.push(ev(t, tab, { type: 'count', productId: current, good: 40 + Math.floor(rnd() * 12), reject }));
    }
    out.sort(compareEvents);
    // Sequence numbers follow event order per device, as a real device would number them.
    for (const e of out) {
      const next = seq.get(e.deviceId) ?? 0;
      (e as { seq: number }).seq = next;
      seq.set(e.deviceId, next + 1);
    }
    yield out;
  }
}

