import { readFile } from 'node:fs/promises';
import { describe, expect, it, vi } from 'vitest';
import { ulid } from 'ulid';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { startLiveOee } from '../../../src/server/live/live-oee.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';

const testPlant = async () => plantSchema.parse(JSON.parse(await readFile(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')));
/** No stored events: each test commits its own. */
const storage = { listEvents: async () => ({ events: [], unreadable: [], lastSeq: null }), latestEventsBefore: async () => [] } as unknown as Storage;
/** A service clock from Monday 09:00 (no break) running `factor` times faster than the real one. */
function serviceClock(factor: number): () => number {
  const base = Date.UTC(2026, 0, 5, 9);
  const started = Date.now();
  return () => base + factor * (Date.now() - started);
}

describe('live statuses are republished when something a screen shows changes, not as time passes', () => {
  it('publishes nothing on the status topics over a quiet minute of the service clock, and a count at once', async () => {
    const plant = await testPlant();
    // The service clock runs 20 times faster than the real one: 2.5 s here are 50 s there.
    const now = serviceClock(20);
    const topics: string[] = [];
    const live = await startLiveOee({ storage, plant, index: indexPlant(plant), now, intervalMs: 5000, log: () => {}, publish: async (topic) => void topics.push(topic) });
    try {
      const count = { v: 1, id: ulid(now()), deviceId: 'tab-a1', seq: 0, ts: now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 5, reject: 0 } as FloorEvent;
      live.onCommitted([{ event: count, correctedTs: count.ts, receivedAt: count.ts, clockOffsetMs: 0, topic: 't' }]);
      // Commits settle for a moment before they are folded in (a gateway's stations come apart).
      await vi.waitFor(() => expect(topics.filter((t) => t.endsWith('/line-a/station/a1/status'))).toHaveLength(2));
      topics.length = 0;
      // Line-a's target grows by a part every 2.4 s of planned time: before, each grew a republish.
      await new Promise((r) => setTimeout(r, 2500));
      expect(topics.filter((t) => t.endsWith('/status'))).toEqual([]);
      // The OEE snapshots (3 lines, 2 areas, the site) still go out every interval: its 5 s have passed.
      expect(topics.filter((t) => t.endsWith('/oee')).length).toBeGreaterThanOrEqual(6);
    } finally {
      live.stop();
    }
  });

  it('republishes a status whose only change is a running machine\'s counts at most once a second, and ends on the latest counts', async () => {
    const plant = await testPlant();
    const now = serviceClock(1);
    const sent: { topic: string; good: number }[] = [];
    const publish = async (topic: string, payload: string) => void (topic.endsWith('/line-a/station/a1/status') && sent.push({ topic, good: (JSON.parse(payload) as { good: number }).good }));
    const live = await startLiveOee({ storage, plant, index: indexPlant(plant), now, intervalMs: 60_000, log: () => {}, publish });
    const gw = (seq: number, extra: Record<string, unknown>) =>
      ({ v: 1, id: ulid(now()), deviceId: 'gw-a', seq, ts: now(), author: 'gw-a', lineId: 'line-a', stationId: 'a1', ...extra }) as FloorEvent;
    const commit = (e: FloorEvent) => live.onCommitted([{ event: e, correctedTs: e.ts, receivedAt: e.ts, clockOffsetMs: 0, topic: 't' }]);
    try {
      commit(gw(0, { type: 'machine.state', state: 'running' }));
      await vi.waitFor(() => expect(sent.length).toBeGreaterThan(0));
      const first = sent.length;
      // 30 counter readings over 1.5 s: a part every 50 ms.
      for (let k = 1; k <= 30; k++) {
        commit(gw(k, { type: 'machine.counter', total: k }));
        await new Promise((r) => setTimeout(r, 50));
      }
      await vi.waitFor(() => expect(sent.at(-1)!.good).toBe(29), { timeout: 3000 });
      // Counted from the first reading (total 1 is the counter's start): 29 parts; 2-3 publishes, not 30.
      expect(sent.length - first).toBeLessThanOrEqual(4);
    } finally {
      live.stop();
    }
  });
});

describe('a line status is republished when time alone changes what a screen shows', () => {
  it('republishes an open stop once it outgrows the small-stop threshold, with no new event', async () => {
    const plant = await testPlant();
    // The service clock runs 60 times faster: line-a's 120 s threshold passes in 2 s here.
    const now = serviceClock(60);
    const sent: { isSmallStop?: boolean; state: string; at: number }[] = [];
    const publish = async (topic: string, payload: string) => {
      if (topic.endsWith('/line-a/status')) sent.push({ ...(JSON.parse(payload) as { isSmallStop?: boolean; state: string }), at: now() });
    };
    const live = await startLiveOee({ storage, plant, index: indexPlant(plant), now, intervalMs: 600_000, log: () => {}, publish });
    const start = now();
    const stop = { v: 1, id: ulid(start), deviceId: 'tab-a1', seq: 0, ts: start, author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'stop.start', stopId: ulid(start) } as FloorEvent;
    try {
      live.onCommitted([{ event: stop, correctedTs: stop.ts, receivedAt: stop.ts, clockOffsetMs: 0, topic: 't' }]);
      await vi.waitFor(() => expect(sent.at(-1)).toMatchObject({ state: 'stopped', isSmallStop: true }));
      await vi.waitFor(() => expect(sent.at(-1)).toMatchObject({ state: 'stopped', isSmallStop: false }), { timeout: 5000 });
      // Within a re-read (1 s, 60 s of this clock) of the threshold, not at the next OEE interval.
      expect(sent.at(-1)!.at - start).toBeGreaterThanOrEqual(120_000);
      expect(sent.at(-1)!.at - start).toBeLessThan(120_000 + 2 * 60_000);
    } finally {
      live.stop();
    }
  });
});
