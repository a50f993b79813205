import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';
import { makeEvent, makeRecord } from './event-fixtures.ts';
import { storageContract } from './storage.contract.ts';

const root = mkdtempSync(join(tmpdir(), 'fb-sqlite-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

storageContract('SQLite', async () => {
  const file = join(root, `t${n++}.db`);
  const opened: Storage[] = [];
  const open = () => {
    const s = openSqliteStorage(file);
    opened.push(s);
    return s;
  };
  return {
    storage: open(),
    openAnother: async () => open(),
    async exec(sql) {
      const db = new Database(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    async dispose() {
      for (const s of opened) await s.close();
    },
  };
});

describe('SQLite adapter', () => {
  it('runs in WAL mode', async () => {
    const file = join(root, 'pragmas.db');
    const storage = openSqliteStorage(file);
    await storage.migrate();
    await storage.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a file it cannot open with storage-failed', () => {
    expect(() => openSqliteStorage(join(root, 'missing-dir', 'x.db'))).toThrow(/storage: open .*x\.db failed/);
  });

  it('stores each id once when another process writes overlapping batches to the same file at the same time', async () => {
    const file = join(root, 'threads.db');
    const storage = openSqliteStorage(file);
    await storage.migrate();
    const records = Array.from({ length: 4000 }, () => makeRecord(makeEvent()));
    const chunk = (list: typeof records) =>
      Array.from({ length: Math.ceil(list.length / 250) }, (_, i) => list.slice(i * 250, i * 250 + 250));
    // Same ids, opposite order: each side keeps meeting rows the other just committed.
    const child = fork(new URL('./sqlite-writer.child.ts', import.meta.url), [file], { execArgv: ['--import', 'tsx'] });
    // Never leave the writer behind, whatever fails below.
    onTestFinished(() => {
      if (child.exitCode === null) child.kill();
    });
    type Report = { ready?: true; inserted?: string[]; error?: string };
    const next = () =>
      new Promise<Report>((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`writer exited with ${code} before reporting`));
        child.once('message', (m) => {
          child.off('exit', onExit);
          resolve(m as Report);
        });
        child.once('exit', onExit);
      });
    expect(await next()).toEqual({ ready: true });
    const fromChild = next();
    child.send({ file, batches: chunk([...records].reverse()) });
    const mine: string[] = [];
    for (const batch of chunk(records)) {
      mine.push(...(await storage.insertEvents(batch)).inserted);
      // Leave the write lock free now and then so the two writers interleave.
      await new Promise((r) => setTimeout(r, 5));
    }
    const theirs = await fromChild;
    expect(theirs.error).toBeUndefined();
    // Both sides stored some: the writes really interleaved (in series, the first would store all).
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.inserted?.length).toBeGreaterThan(0);
    const all = [...mine, ...(theirs.inserted ?? [])].sort();
    expect(all).toEqual(records.map((r) => r.event.id).sort());
    expect(new Set(all).size).toBe(4000);
    const page = await storage.listEvents();
    expect(page.events).toHaveLength(4000);
    await storage.close();
  });
});
