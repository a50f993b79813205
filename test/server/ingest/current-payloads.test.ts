import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventSchema, type CorrectablePayload, type FloorEvent } from '../../../src/core/events.schema.ts';
import { currentPayloads } from '../../../src/server/ingest/current-payloads.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { EventOrigin, EventQuery, Storage } from '../../../src/server/storage/storage.ts';

const T0 = Date.UTC(2026, 2, 2, 6);
const HOUR = 3_600_000;
let n = 0;
const ev = (ts: number, payload: object): FloorEvent =>
  eventSchema.parse({ v: 1, id: `01K${String(++n).padStart(23, '0')}`, deviceId: 'tab-1', seq: n, ts, author: 'lead-1', lineId: 'l1', stationId: 's1', ...payload });
const stop = (ts: number, reasonId: string) => {
  const id = `01K${String(++n).padStart(23, '0')}`;
  return eventSchema.parse({ v: 1, id, deviceId: 'tab-1', seq: n, ts, author: 'op-1', lineId: 'l1', stationId: 's1', type: 'stop.start', stopId: id, reasonId });
};
const fix = (ts: number, target: FloorEvent, reasonId: string) => ev(ts, { type: 'correction', supersedes: target.id, reason: 'r', replacement: { type: 'stop.start', stopId: target.id, reasonId } });
const originOf = (e: FloorEvent): EventOrigin => ({ id: e.id, type: e.type, author: e.author, deviceId: e.deviceId, lineId: e.lineId, stationId: e.stationId, ts: e.ts, correctedTs: e.ts });
const reasonOf = (p: CorrectablePayload | undefined) => (p && 'reasonId' in p ? p.reasonId : undefined);

describe("a correction's target as it reads now, kept per line between batches", () => {
  let dir: string;
  let storage: Storage;
  /** Correction rows each read returned: what the check cost. */
  let rowsRead: number[];
  const store = (...events: FloorEvent[]) => storage.insertEvents(events.map((event) => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: 't' })));
  const counted = (): Pick<Storage, 'listEvents'> => ({
    listEvents: async (q?: EventQuery) => {
      const page = await storage.listEvents(q);
      if (q?.types) rowsRead.push(page.events.length);
      return page;
    },
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-current-'));
    storage = openSqliteStorage(join(dir, 'db.sqlite'));
    await storage.migrate();
    rowsRead = [];
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the newest correction wins; a later batch reads only what was stored since, also by another writer', async () => {
    const a = stop(T0, 'jam');
    const b = stop(T0 + HOUR, 'jam');
    await store(a, b, fix(T0 + 2 * HOUR, a, 'setup'), fix(T0 + 3 * HOUR, a, 'mech'));
    const currentOf = currentPayloads(counted());
    expect(reasonOf((await currentOf([originOf(a), originOf(b)])).get(a.id))).toBe('mech');
    // Stored since (as another service sharing the database would): seen, and only it is read.
    await store(fix(T0 + 4 * HOUR, b, 'setup'));
    const now = await currentOf([originOf(a), originOf(b)]);
    expect([reasonOf(now.get(a.id)), reasonOf(now.get(b.id))]).toEqual(['mech', 'setup']);
    expect(rowsRead).toEqual([2, 1]);
    // Nothing new: nothing read.
    await currentOf([originOf(b)]);
    expect(rowsRead).toEqual([2, 1, 0]);
  });

  it('a target older than what is kept widens the range once', async () => {
    const late = stop(T0 + 5 * HOUR, 'jam');
    const early = stop(T0, 'jam');
    await store(early, late, fix(T0 + HOUR, early, 'setup'), fix(T0 + 6 * HOUR, late, 'mech'));
    const currentOf = currentPayloads(counted());
    expect(reasonOf((await currentOf([originOf(late)])).get(late.id))).toBe('mech');
    expect(reasonOf((await currentOf([originOf(early)])).get(early.id))).toBe('setup');
    expect(rowsRead).toEqual([1, 0, 1]);
    await currentOf([originOf(early)]);
    expect(rowsRead).toEqual([1, 0, 1, 0]);
  });

  it('an entry no one corrected reads as stored', async () => {
    const a = stop(T0, 'jam');
    await store(a);
    expect((await currentPayloads(storage)([originOf(a)])).get(a.id)).toEqual({ type: 'stop.start', stopId: a.id, reasonId: 'jam' });
  });
});
