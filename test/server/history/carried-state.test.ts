import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../src/core/index.ts';
import { CarriedState } from '../../../src/server/history/carried-state.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { EventMaker, H, MONDAY } from '../../core/oee/fixtures.ts';
import { counting } from '../support/counted-storage.ts';

const record = (event: FloorEvent): StoredEventInput => ({ event, receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts, topic: `t/${event.lineId}` });

describe('the state the bucket writer carries into its engine runs', () => {
  let dir: string;
  let storage: Storage;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fb-carried-state-'));
    storage = openStorage(undefined, dir);
    await storage.migrate();
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads each line once per instant (a few instants kept), and again after a state event before it is committed', async () => {
    const m = new EventMaker();
    const [start] = m.stop(MONDAY - 30 * H, MONDAY + H);
    await storage.insertEvents([record(start)]);
    const reads = counting(storage, 'latestEventsBefore');
    const carried = new CarriedState(reads.storage);
    expect((await carried.of(['l1', 'l2'], MONDAY)).get('l1')?.map((e) => e.id)).toEqual([start.id]);
    await carried.of(['l1', 'l2'], MONDAY);
    // State events after the instant change nothing before it.
    carried.touch([record(m.count(MONDAY + H, 5)), record(m.ev(MONDAY + H, { type: 'stop.end', stopId: start.id }))]);
    await carried.of(['l1', 'l2'], MONDAY);
    // One read a line.
    expect(reads.calls()).toBe(2);
    // A stop end that arrives late, before the instant: line l1 is read again, l2 is not.
    const end = m.ev(MONDAY - 2 * H, { type: 'stop.end', stopId: start.id });
    await storage.insertEvents([record(end)]);
    carried.touch([record(end)]);
    expect((await carried.of(['l1', 'l2'], MONDAY)).get('l1')?.map((e) => e.id)).toEqual([start.id, end.id]);
    expect(reads.calls()).toBe(3);
    // Another instant (a run that writes a stop's first hour again) leaves this one's copy kept.
    await carried.of(['l1'], MONDAY - 30 * H);
    await carried.of(['l1', 'l2'], MONDAY);
    expect(reads.calls()).toBe(4);
  });
});
