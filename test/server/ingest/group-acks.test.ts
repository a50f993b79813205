import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { ackSchema, topics } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { ClockTracker } from '../../../src/server/ingest/clock-tracker.ts';
import { createIngestHandler, type Outgoing } from '../../../src/server/ingest/ingest-handler.ts';
import { createMetrics } from '../../../src/server/metrics.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';

// The handler on its own (real SQLite, no broker): on the embedded broker one client cannot
// publish for two devices, so a group with two devices' messages is built here directly.

const PLANT = new URL('../../fixtures/test.plant.json', import.meta.url).pathname;
let dir: string;
let storage: Storage;
let handle: (topic: string, payload: Buffer) => Promise<Outgoing[]>;
let site: string;
const committed: string[] = [];
let topicA1: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fb-group-acks-'));
  storage = openSqliteStorage(join(dir, 'db.sqlite'));
  await storage.migrate();
  const plant = await loadPlantFile(PLANT);
  const index = indexPlant(plant);
  site = index.site;
  topicA1 = topics.events({ site, area: 'assembly', line: 'line-a', station: 'a1' });
  const users = new Map(plant.users.map((u) => [u.id, u]));
  handle = createIngestHandler({
    storage, index: () => index, usersById: () => users, metrics: createMetrics(false), clock: new ClockTracker(60_000), now: Date.now, log: () => {},
    onCommitted: (records) => committed.push(...records.map((r) => r.event.id)),
  });
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
const count = (deviceId: string) => ({ v: 1, id: ulid(), deviceId, seq: seq++, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 });
const message = (...events: object[]) => Buffer.from(JSON.stringify({ events }));

describe('acks of a commit group', () => {
  it('answers each device on its own topic with exactly its ids, once per group, after the commit', async () => {
    const a = [count('tab-1'), count('tab-1'), count('tab-1')];
    const b = [count('tab-2'), count('tab-2')];
    // Submitted in one turn: one group, messages of the two devices interleaved.
    const outgoing = await Promise.all([handle(topicA1, message(a[0]!)), handle(topicA1, message(b[0]!)), handle(topicA1, message(a[1]!)), handle(topicA1, message(b[1]!)), handle(topicA1, message(a[2]!))]);
    const acks = outgoing.flat().filter((o) => o.topic.includes('/_ack/'));
    expect(acks.map((o) => o.topic).sort()).toEqual([topics.ack(site, 'tab-1'), topics.ack(site, 'tab-2')]);
    const byTopic = new Map(acks.map((o) => [o.topic, ackSchema.parse(JSON.parse(o.payload))]));
    expect(byTopic.get(topics.ack(site, 'tab-1'))).toMatchObject({ deviceId: 'tab-1', accepted: a.map((e) => e.id), rejected: [] });
    expect(byTopic.get(topics.ack(site, 'tab-2'))).toMatchObject({ deviceId: 'tab-2', accepted: b.map((e) => e.id), rejected: [] });
    // Each device's ack goes with its last message of the group.
    expect(outgoing[4]!.some((o) => o.topic === topics.ack(site, 'tab-1'))).toBe(true);
    expect(outgoing[3]!.some((o) => o.topic === topics.ack(site, 'tab-2'))).toBe(true);
    // Everything acknowledged is stored and was handed to the live views once.
    const stored = (await storage.listEvents({ lineIds: ['line-a'] })).events.map((e) => e.event.id);
    for (const e of [...a, ...b]) expect(stored).toContain(e.id);
    expect(committed.filter((id) => [...a, ...b].some((e) => e.id === id))).toHaveLength(5);
  });

  it('keeps its own ack for a message with a refusal, with the index inside that message', async () => {
    const good = count('tab-1');
    const refused = { ...count('tab-1'), lineId: 'line-b' };
    const clean = count('tab-1');
    const [mixed, plain] = await Promise.all([handle(topicA1, message(good, refused)), handle(topicA1, message(clean))]);
    const ackOf = (out: Outgoing[]) => out.filter((o) => o.topic === topics.ack(site, 'tab-1')).map((o) => ackSchema.parse(JSON.parse(o.payload)));
    expect(ackOf(mixed!)).toEqual([expect.objectContaining({ accepted: [good.id], rejected: [expect.objectContaining({ index: 1, id: refused.id })] })]);
    expect(ackOf(plain!)).toEqual([expect.objectContaining({ accepted: [clean.id], rejected: [] })]);
    // The refusal was dead-lettered in the write phase and is announced with its message.
    expect(mixed!.some((o) => o.topic === topics.deadLetter(site))).toBe(true);
  });

  it('hands committed events on although a live view throws, and still acknowledges them', async () => {
    const plant = await loadPlantFile(PLANT);
    const index = indexPlant(plant);
    const logged: string[] = [];
    const faulty = createIngestHandler({
      storage, index: () => index, usersById: () => new Map(plant.users.map((u) => [u.id, u])), metrics: createMetrics(false), clock: new ClockTracker(60_000), now: Date.now,
      log: (m) => logged.push(m),
      onCommitted: () => {
        throw new Error('live view bug');
      },
    });
    const e = count('tab-3');
    const out = await faulty(topicA1, message(e));
    expect(out.map((o) => ackSchema.safeParse(JSON.parse(o.payload)).data?.accepted).flat()).toContain(e.id);
    expect(logged).toContain('live views failed on committed events');
  });
});
