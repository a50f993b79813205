import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, describe, expect, it } from 'vitest';
import { stationStatusSchema, type StationStatus } from '../../../src/core/live.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { startLiveOee, type LiveOee } from '../../../src/server/live/live-oee.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';
import { makeEvent, makeRecord } from '../storage/event-fixtures.ts';

const H = 3_600_000;
// Friday 2026-01-09, the early shift; the service starts again on Monday 2026-01-12 at 06:30.
const FRIDAY = Date.UTC(2026, 0, 9);
const MONDAY_0630 = Date.UTC(2026, 0, 12, 6, 30);

describe('live station status of a line whose last events are days old (real SQLite)', () => {
  let dir: string;
  let storage: Storage;
  let live: LiveOee | undefined;
  afterEach(async () => {
    live?.stop();
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows on Monday the stop and machine state the line was left in on Friday, not "no data"', async () => {
    dir = await mkdtemp(join(tmpdir(), 'floorboard-lookback-'));
    storage = openStorage(undefined, dir);
    await storage.migrate();
    const plant = plantSchema.parse(JSON.parse(await readFile(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')));
    const at = (h: number) => FRIDAY + h * H;
    const on = (stationId: string, ts: number, deviceId = 'tab-a2') => ({ lineId: 'line-a', stationId, ts, deviceId });
    const stopId = ulid(FRIDAY + 9 * H);
    const events = [
      makeEvent({ type: 'count', productId: 'widget', good: 10, reject: 0 }, on('a2', at(7))),
      // a2's operator stops the line at 09:00 on Friday and nobody ends the stop before the weekend.
      makeEvent({ type: 'stop.start', stopId, reasonId: 'jam' }, { ...on('a2', at(9)), id: stopId }),
      // Line-a has no gateway; it was busy at a1 until 11:00 (more than 12 h before Monday's shift).
      makeEvent({ type: 'note', text: 'left for the weekend' }, on('a1', at(11), 'tab-a1')),
    ];
    // Line-b's gateway (b1) reported a fault on Friday at 10:00; its heartbeats resume on Sunday
    // evening (the 12 h before Monday's shift) and go on, the fault unresolved.
    events.push(makeEvent({ type: 'machine.state', state: 'fault' }, { lineId: 'line-b', stationId: 'b1', ts: at(10), deviceId: 'gw-b' }));
    for (let t = MONDAY_0630 - 13 * H; t < MONDAY_0630; t += 30_000) events.push(makeEvent({ type: 'machine.heartbeat' }, { lineId: 'line-b', stationId: 'b1', ts: t, deviceId: 'gw-b' }));
    await storage.insertEvents(events.map((e) => makeRecord(e)));
    const statuses = new Map<string, StationStatus>();
    live = await startLiveOee({
      storage,
      plant,
      index: indexPlant(plant),
      now: () => MONDAY_0630,
      intervalMs: 60_000,
      publish: async (topic, payload) => {
        if (topic.endsWith('/a2/status')) statuses.set('a2', stationStatusSchema.parse(JSON.parse(payload)));
        if (topic.endsWith('/a1/status')) statuses.set('a1', stationStatusSchema.parse(JSON.parse(payload)));
        if (topic.endsWith('/b1/status')) statuses.set('b1', stationStatusSchema.parse(JSON.parse(payload)));
      },
      log: () => {},
    });
    expect(statuses.get('a2')).toMatchObject({ state: 'stopped', since: at(9), stop: { stopId, reasonId: 'jam', start: at(9) }, productId: 'widget' });
    // The line was monitored on Friday: a1 runs on (no stop of its own), it is not "no data".
    expect(statuses.get('a1')?.state).toBe('running');
    expect(statuses.get('b1')).toMatchObject({ state: 'stopped', stop: { start: at(10), source: 'machine' } });
  });
});
