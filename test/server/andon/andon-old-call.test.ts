import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { StationStateFold } from '../../../src/core/station-state/fold.ts';
import { createAndon, type Andon } from '../../../src/server/andon/andon-service.ts';
import { createTokenService } from '../../../src/server/auth/tokens.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { FIXTURE_PLANT } from '../support/service-harness.ts';
import { until } from './andon-rig.ts';

const H = 3600_000;
/** Level 2 is due a day and two hours after the raise: after a restart more than a day later. */
const LEVEL_2_SEC = 26 * 3600;

/**
 * A stop open for more than a day (longer than the calls read back at start): the andon service
 * is stopped and started again on the same SQLite file with a clock 25 h on. Real storage, real
 * fold, the service's own timers; only the clock is the test's.
 */
describe('andon after a restart more than a day into an open call', () => {
  let dir: string;
  let storage: Storage;
  let clock = 0;
  const open: Andon[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-andon-old-'));
    const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown> & { calendar: { shifts: { breaks?: unknown }[] }; areas: { lines: Record<string, unknown>[] }[] };
    for (const s of plant.calendar.shifts) delete s.breaks;
    // The gateway keeps the line watched without heartbeats: the stop stays the line's state for days.
    for (const a of plant.areas) for (const l of a.lines) if (l.id === 'line-a') Object.assign(l, { monitoredFrom: '2000-01-01T00:00:00Z', heartbeatTimeoutSec: 10 * 86_400 });
    plant.andon = { rules: [{ id: 'stop-long', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 60 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: LEVEL_2_SEC, notify: ['lead'] }] }] };
    await writeFile(join(dir, 'plant.json'), JSON.stringify(plant));
    storage = openSqliteStorage(join(dir, 'db.sqlite'));
    await storage.migrate();
  });
  afterAll(async () => {
    for (const a of open) await a.stop();
    await storage?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('does not raise the call again and escalates it on its stored time', async () => {
    const plant = await loadPlantFile(join(dir, 'plant.json'));
    const index = indexPlant(plant);
    const indexed = index.lines.get('line-a')!;
    const t0 = Date.now() - 30 * H;
    clock = t0;
    const fold = new StationStateFold(plant, indexed);
    const fault = { v: 1, id: ulid(t0), deviceId: 'gw-old', seq: 1, ts: t0, author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.state', state: 'fault' } as FloorEvent;
    await storage.insertEvents([{ event: fault, topic: 't', receivedAt: t0, clockOffsetMs: 0, correctedTs: t0 }]);
    fold.add(fault);
    const start = async () => {
      const andon = createAndon({ storage, index, now: () => clock, log: () => {}, users: () => plant.users, tokens: createTokenService('x'.repeat(32), () => undefined, () => clock) });
      open.push(andon);
      const committed = (records: readonly StoredEventInput[]) => andon.onCommitted(records);
      await andon.start({ publish: async () => {}, committed });
      return andon;
    };
    const current = (a: Andon) => a.routeDeps.current().filter((c) => c.resolved === null);

    const first = await start();
    clock = t0 + 61_000;
    first.onRead(indexed, fold.read(clock));
    const [call] = await until(() => current(first), (cs) => cs.length === 1, 3000, 'the call');
    expect(call!.raisedAt).toBe(t0 + 61_000);
    await first.stop();

    // 25 h later: the raise is older than the day read back at start.
    clock = t0 + 25 * H;
    const second = await start();
    expect(current(second)).toEqual([]);
    second.onRead(indexed, fold.read(clock));
    // The same cause is found again: the same call, read back with its stored time, not a new one.
    const [again] = await until(() => current(second), (cs) => cs.length === 1, 3000, 'the call read back');
    expect(again).toMatchObject({ id: call!.id, raisedAt: call!.raisedAt, level: 1 });
    // Level 2 is due 26 h after the stored raise, not 26 h after the restart.
    clock = call!.raisedAt + LEVEL_2_SEC * 1000 + 500;
    second.onRead(indexed, fold.read(clock));
    const [escalated] = await until(() => current(second), (cs) => cs[0]?.level === 2, 3000, 'level 2');
    expect(escalated!.levels[1]!.at).toBe(clock);
    const raises = (await storage.listEvents({ types: ['andon.raise'] })).events;
    expect(raises.map((r) => r.event.id)).toEqual([call!.id]);
    expect(raises[0]!.correctedTs).toBe(t0 + 61_000);
  });
});
