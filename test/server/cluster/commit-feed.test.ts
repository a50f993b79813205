import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCommitFeed } from '../../../src/server/cluster/commit-feed.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage, StoredEvent } from '../../../src/server/storage/storage.ts';
import { makeEvent, makeRecord } from '../storage/event-fixtures.ts';

const count = () => makeRecord(makeEvent());
const ack = () => makeRecord(makeEvent({ type: 'andon.ack', callId: ulid(), from: 'tablet' }));

describe('the tail of every instance\'s commits (cluster/commit-feed.ts)', () => {
  let dir: string;
  let storage: Storage;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-feed-'));
    storage = openSqliteStorage(join(dir, 'x.db'));
    await storage.migrate();
  });
  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a follower only the types it keeps, then, once it leads, every event after that, each once and in storage order', async () => {
    await storage.insertEvents([count()]);
    const got: StoredEvent[] = [];
    let isLeading = false;
    const feed = startCommitFeed({ storage, afterSeq: await storage.lastStorageSeq(), types: () => (isLeading ? null : ['andon.ack']), onRecords: (r) => got.push(...r), log: () => {}, everyMs: 10, followEveryMs: 10 });
    try {
      const early = [count(), ack(), count(), ack()];
      for (const r of early) await storage.insertEvents([r]);
      await expect.poll(() => got.length).toBe(2);
      await expect.poll(() => feed.seq()).toBe(await storage.lastStorageSeq());
      expect(got.map((r) => r.event.id)).toEqual([early[1]!.event.id, early[3]!.event.id]);
      isLeading = true;
      const late = [count(), ack(), count()];
      await storage.insertEvents(late);
      await expect.poll(() => got.length).toBe(5);
      expect(got.slice(2).map((r) => r.event.id)).toEqual(late.map((r) => r.event.id));
      const seqs = got.map((r) => r.storageSeq);
      expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    } finally {
      await feed.stop();
    }
  });
});
