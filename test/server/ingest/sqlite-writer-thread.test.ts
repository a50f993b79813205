import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import { makeEvent, makeRecord } from '../storage/event-fixtures.ts';

// The SQLite adapter writes events on a worker thread with its own connection (ADR 0006). What the
// ingest relies on: a group is stored whole or not at all, a failure reaches the caller as a
// storage error (so the PUBACKs are withheld), the thread recovers, and closing loses no write.

const root = mkdtempSync(join(tmpdir(), 'fb-writer-thread-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function migrated() {
  const file = join(root, `w${n++}.db`);
  const storage = openSqliteStorage(file);
  await storage.migrate();
  return { file, storage };
}

describe('SQLite event writer thread', () => {
  it('stores a group whole or not at all, reports the failure as storage-failed, then writes again', async () => {
    const { file, storage } = await migrated();
    // A stand-in for a write that fails halfway (disk full, I/O error) inside the thread's transaction.
    const admin = new Database(file);
    admin.exec(`CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.device_id = 'broken'
      BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    const group = [makeRecord(makeEvent()), makeRecord(makeEvent()), makeRecord(makeEvent(undefined, { deviceId: 'broken' }))];

    await expect(storage.insertEvents(group)).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringContaining('disk full') });
    expect((await storage.listEvents()).events).toHaveLength(0);

    admin.exec('DROP TRIGGER refuse');
    admin.close();
    const result = await storage.insertEvents(group);
    expect(result.inserted).toEqual(group.map((r) => r.event.id));
    expect((await storage.insertEvents(group)).duplicates).toEqual(group.map((r) => r.event.id));
    await storage.close();
  });

  it('recovers when its connection cannot be prepared at first, once the table is back', async () => {
    const { file, storage } = await migrated();
    const admin = new Database(file);
    admin.exec('ALTER TABLE events RENAME TO events_saved; CREATE TABLE events (id TEXT PRIMARY KEY)');
    const record = makeRecord(makeEvent());

    await expect(storage.insertEvents([record])).rejects.toMatchObject({ code: 'storage-failed', message: expect.stringMatching(/insert events failed: .*no column/) });

    admin.exec('DROP TABLE events; ALTER TABLE events_saved RENAME TO events');
    admin.close();
    expect((await storage.insertEvents([record])).inserted).toEqual([record.event.id]);
    expect((await storage.listEvents()).events.map((e) => e.event.id)).toEqual([record.event.id]);
    await storage.close();
  });

  it('finishes the writes already asked for before it closes', async () => {
    const { file, storage } = await migrated();
    const records = Array.from({ length: 300 }, () => makeRecord(makeEvent()));
    const writes = [storage.insertEvents(records.slice(0, 150)), storage.insertEvents(records.slice(150))];
    await storage.close();
    const results = await Promise.all(writes);
    expect(results.flatMap((r) => r.inserted)).toHaveLength(300);

    const again = openSqliteStorage(file);
    expect((await again.listEvents()).events).toHaveLength(300);
    await again.close();
  });
});
