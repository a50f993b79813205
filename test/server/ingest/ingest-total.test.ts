import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { topics } from '../../../src/core/index.ts';
import { FloorboardError } from '../../../src/core/errors.ts';
import { indexPlant, type PlantIndex } from '../../../src/core/plant-index.ts';
import type { User } from '../../../src/core/index.ts';
import { ClockTracker } from '../../../src/server/ingest/clock-tracker.ts';
import { createIngestHandler } from '../../../src/server/ingest/ingest-handler.ts';
import { createMetrics } from '../../../src/server/metrics.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';

// The handler on its own (real SQLite, no broker), for what a broker cannot easily deliver: a
// topic longer than the dead-letter table holds, and a storage that refuses a letter's content.

const PLANT = new URL('../../fixtures/test.plant.json', import.meta.url).pathname;
let dir: string;
let storage: Storage;
let index: PlantIndex;
let users: Map<string, User>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fb-ingest-total-'));
  storage = openSqliteStorage(join(dir, 'db.sqlite'));
  await storage.migrate();
  const plant = await loadPlantFile(PLANT);
  index = indexPlant(plant);
  users = new Map(plant.users.map((u) => [u.id, u]));
});
afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const handlerOn = (store: Storage) =>
  createIngestHandler({ storage: store, index: () => index, usersById: () => users, metrics: createMetrics(false), clock: new ClockTracker(60_000), now: Date.now, log: () => {} });
const topicA1 = () => topics.events({ site: index.site, area: 'assembly', line: 'line-a', station: 'a1' });
const badEvent = () => Buffer.from(JSON.stringify({ events: [{ v: 1, id: ulid(), deviceId: 'tab-1', type: 'count', good: 'many' }] }));

describe('ingest never refuses a message for what a client sent', () => {
  it('dead-letters a message on a 5,000-character topic, cut to the table limit', async () => {
    const long = `floorboard/v1/${index.site}/${'a'.repeat(5000)}/line-a/station/a1/events`;
    const out = await handlerOn(storage)(long, Buffer.from('{}'));
    expect(out.map((o) => o.topic)).toEqual([topics.deadLetter(index.site)]);
    const [letter] = await storage.listDeadLetters(1);
    expect(letter).toMatchObject({ code: 'topic-mismatch' });
    expect(letter!.topic.length).toBeLessThanOrEqual(1024);
    expect(letter!.message.length).toBeLessThanOrEqual(1000);
  });

  it('stores a bad-shape letter with the payload cut when storage refuses the letter as it is, and acks the device', async () => {
    const refusing: Storage = Object.create(storage) as Storage;
    refusing.insertDeadLetter = (letter) =>
      letter.code === 'bad-shape' && letter.message.includes('could not be stored') ? storage.insertDeadLetter(letter) : Promise.reject(new FloorboardError('invalid-arguments', 'storage refused the dead letter'));
    const payload = badEvent();
    const out = await handlerOn(refusing)(topicA1(), payload);
    expect(out.map((o) => o.topic).sort()).toEqual([topics.ack(index.site, 'tab-1'), topics.deadLetter(index.site)].sort());
    const [letter] = await storage.listDeadLetters(1);
    expect(letter).toMatchObject({ code: 'bad-shape', message: 'bad-shape: could not be stored as received' });
  });

  it('still withholds the PUBACK when storage itself fails (the broker delivers the message again)', async () => {
    const failing: Storage = Object.create(storage) as Storage;
    failing.insertDeadLetter = () => Promise.reject(new FloorboardError('storage-failed', 'disk full'));
    await expect(handlerOn(failing)(topicA1(), badEvent())).rejects.toThrow('disk full');
  });
});
