import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventSchema, plantSchema, type FloorEvent } from '../../../src/core/index.ts';
import { computeOee } from '../../../src/core/oee/engine.ts';
import { machineStationOf } from '../../../src/core/plant-index.ts';
import { backfillEvents, backfillIds, backfillSim, backfillWindow } from '../../../src/core/sim/demo-backfill.ts';
import { WorkTime } from '../../../src/core/sim/work-time.ts';

const plant = plantSchema.parse(parse(readFileSync(new URL('../../../plants/demo.plant.yaml', import.meta.url), 'utf8')));
const lines = plant.areas.flatMap((a) => a.lines);
/** A Friday morning, in the early shift. */
const NOW = Date.UTC(2026, 11, 4, 10, 17);
const MIN = 60_000;

function generate(days: number, seed: number, now = NOW): FloorEvent[] {
  const w = backfillWindow(plant, now, days);
  const out: FloorEvent[] = [];
  for (const { events } of backfillEvents(backfillSim(plant, w, seed), w, backfillIds(seed))) for (const e of events) out.push(e);
  return out;
}

const isGateway = (e: FloorEvent) => e.deviceId.startsWith('sim-gw-');

describe('the demo backfill (28 days of the demo plant)', () => {
  let events: FloorEvent[];
  let w: { from: number; to: number };
  beforeAll(() => {
    w = backfillWindow(plant, NOW, 28);
    events = generate(28, 42);
  });

  it('starts at a local midnight 28 days back and reaches now', () => {
    expect(NOW - w.from).toBeGreaterThanOrEqual(28 * 86_400_000);
    expect(NOW - w.from).toBeLessThan(29 * 86_400_000);
    expect(Math.min(...events.slice(0, 100).map((e) => e.ts))).toBe(w.from);
    expect(events[events.length - 1]!.ts).toBeGreaterThan(NOW - MIN);
  });

  it('gives every line an OEE between 55 and 85 % over the month, and most shifts in that band', () => {
    const month = computeOee(plant, events, { from: w.from, to: NOW, now: NOW, by: 'shift' });
    for (const l of month.lines) {
      expect(l.total.oee, l.id).toBeGreaterThan(0.55);
      expect(l.total.oee, l.id).toBeLessThan(0.85);
      const full = l.buckets.filter((b) => b.plannedMs > 3 * 3600_000);
      const inBand = full.filter((b) => b.oee! >= 0.5 && b.oee! <= 0.88);
      expect(inBand.length / full.length, l.id).toBeGreaterThan(0.9);
    }
  });

  it('gives each line a clear top loss of its own', () => {
    const month = computeOee(plant, events, { from: w.from, to: NOW, now: NOW, by: 'window' });
    const tops = month.lines.map((l) => {
      const [first, second] = l.total.topReasons;
      expect(first!.reasonId, l.id).not.toBeNull();
      expect(first!.durationMs / second!.durationMs, l.id).toBeGreaterThan(1.3);
      return first!.reasonId;
    });
    expect(new Set(tops).size).toBe(lines.length);
  });

  it('has changeovers that change the product, and the machine then makes the new one', () => {
    for (const line of lines) {
      const own = events.filter((e) => e.lineId === line.id);
      const starts = own.filter((e) => e.type === 'changeover.start');
      const ends = own.filter((e) => e.type === 'changeover.end');
      expect(starts.length, line.id).toBeGreaterThan(20);
      expect(ends.length).toBe(starts.length);
      for (const [i, start] of starts.entries()) {
        const before = own.filter((e) => e.type === 'machine.counter' && e.ts < start.ts).at(-1) as Extract<FloorEvent, { type: 'machine.counter' }> | undefined;
        const end = ends[i] as Extract<FloorEvent, { type: 'changeover.end' }>;
        expect(end.ts).toBeGreaterThan(start.ts);
        expect(end.productId).toBe(start.toProductId);
        if (before) expect(before.productId, `${line.id} ${new Date(start.ts).toISOString()}`).not.toBe(start.toProductId);
        const after = own.find((e) => e.type === 'machine.counter' && e.ts > end.ts) as Extract<FloorEvent, { type: 'machine.counter' }>;
        expect(after.productId).toBe(start.toProductId);
      }
    }
  });

  it('has scrap with reasons, classified faults and a few unclassified ones', () => {
    const scrap = events.filter((e) => e.type === 'scrap');
    expect(scrap.length).toBeGreaterThan(100);
    expect(new Set(scrap.map((e) => e.reasonId))).toEqual(new Set(['dimension', 'surface', 'leak-test-fail']));
    const classified = new Set(events.flatMap((e) => (e.type === 'stop.classify' ? [e.stopId] : [])));
    const faults = events.filter((e) => e.type === 'machine.state' && e.state === 'fault');
    const unclassified = faults.filter((f) => !classified.has(f.id));
    expect(unclassified.length).toBeGreaterThan(3);
    expect(unclassified.length / faults.length).toBeLessThan(0.1);
  });

  it('has one gateway outage of one to two hours in a shift, and no other silence over 60 s', () => {
    const work = new WorkTime(plant.calendar);
    const gaps: { lineId: string; from: number; ms: number }[] = [];
    for (const line of lines) {
      const own = events.filter((e) => e.lineId === line.id && isGateway(e));
      for (let i = 1; i < own.length; i++) {
        const ms = own[i]!.ts - own[i - 1]!.ts;
        if (ms > 60_000) gaps.push({ lineId: line.id, from: own[i - 1]!.ts, ms });
      }
    }
    expect(gaps).toHaveLength(1);
    expect(gaps[0]!.ms).toBeGreaterThanOrEqual(60 * MIN);
    expect(gaps[0]!.ms).toBeLessThanOrEqual(121 * MIN);
    expect(work.at(gaps[0]!.from + MIN).isWorking).toBe(true);
  });

  it('writes valid events: gateway signals at the machine station, gap-free device sequences, real authors', () => {
    const seqs = new Map<string, number>();
    const users = new Map(plant.users.map((u) => [u.id, u]));
    const machineStation = new Map(lines.map((l) => [l.id, machineStationOf(l).id]));
    const problems: string[] = [];
    for (const e of events) {
      const where = `${e.id} ${e.type}`;
      if (!eventSchema.safeParse(e).success) problems.push(`${where}: does not parse`);
      if (e.seq !== (seqs.get(e.deviceId) ?? -1) + 1) problems.push(`${where}: seq ${e.seq} after ${seqs.get(e.deviceId)}`);
      seqs.set(e.deviceId, e.seq);
      const author = users.get(e.author);
      if (author?.role !== (isGateway(e) ? 'gateway' : 'operator')) problems.push(`${where}: author ${e.author}`);
      if (isGateway(e) && e.stationId !== machineStation.get(e.lineId)) problems.push(`${where}: at ${e.stationId}`);
      if (!(author && 'stations' in author && author.stations.includes(e.stationId))) problems.push(`${where}: ${e.author} may not work at ${e.stationId}`);
      if (problems.length > 5) break;
    }
    expect(problems).toEqual([]);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  });

  it('is the same for the same seed and differs for another', () => {
    const a = generate(2, 7);
    expect(generate(2, 7)).toEqual(a);
    expect(generate(2, 8)).not.toEqual(a);
  });
});
