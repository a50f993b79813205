import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/app/adapters/db.ts';
import type { OutboxIdb } from '../../../src/app/adapters/outbox-idb.ts';

/**
 * The IndexedDB outbox adapter in a real Chromium (IndexedDB has no faithful Node stand-in):
 * a damaged profile must neither stop entries nor make them re-use a seq, and a damaged record
 * is quarantined instead of crashing the load or blocking the queue.
 */
const entry = new URL('./outbox-lab.entry.ts', import.meta.url).pathname;
type Lab = {
  open(name: string): Promise<{
    db: Db; append(): Promise<number>; appendGroup(n: number, isBroken?: boolean): Promise<number[]>; stored(): Promise<number[]>; box: OutboxIdb; ackAll(): Promise<void>; ownAfterReload(): Promise<number[]>;
  }>;
};
declare const lab: Lab;

describe('IndexedDB outbox adapter (real Chromium)', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const bundle = await build({ entryPoints: [entry], bundle: true, format: 'iife', write: false, target: 'es2022', logLevel: 'silent' });
    const js = bundle.outputFiles[0]!.text;
    server = createServer((req, res) => {
      if (req.url === '/lab.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/lab.js"></script>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'lab' in globalThis);
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('never re-uses a seq when the stored counter is lost or damaged', async () => {
    const seqs = await page.evaluate(async () => {
      const { db, append, ackAll } = await lab.open('seq-lost');
      const out: (number | string)[] = [await append(), await append(), await append()];
      await db.delete('meta', 'seq'); // counter lost, entries 0..2 still waiting
      out.push(await append().catch((e: Error) => e.message));
      await db.put('meta', 'garbage', 'seq'); // counter damaged
      out.push(await append().catch((e: Error) => e.message));
      await ackAll(); // all acknowledged: only the journal remembers the seqs
      await db.delete('meta', 'seq');
      out.push(await append().catch((e: Error) => e.message));
      return out;
    });
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('stores entries that belong together all or none, with consecutive seqs', async () => {
    const result = await page.evaluate(async () => {
      const { append, appendGroup, stored } = await lab.open('group');
      const out: (number[] | number | string)[] = [await append(), await appendGroup(2)];
      out.push(await appendGroup(3, true).catch((e: Error) => e.message));
      out.push(await append(), await stored());
      return out;
    });
    expect(result).toEqual([0, [1, 2], 'entry is not a valid event', 3, [0, 1, 2, 3]]);
  });

  it('moves past a counter that is behind the waiting entries (a restored profile) instead of failing', async () => {
    const seqs = await page.evaluate(async () => {
      const { db, append } = await lab.open('seq-behind');
      const out: (number | string)[] = [await append(), await append(), await append()];
      await db.put('meta', 1, 'seq'); // a valid counter, but seqs 1 and 2 still wait in the outbox
      out.push(await append().catch((e: Error) => e.message));
      out.push(await append().catch((e: Error) => e.message));
      return out;
    });
    expect(seqs).toEqual([0, 1, 2, 3, 4]);
  });

  it('never re-uses a seq when two tabs of the app make entries on the same tablet', async () => {
    const seqs = await page.evaluate(async () => {
      const [a, b] = [await lab.open('two-tabs'), await lab.open('two-tabs')];
      const out = [await a.append(), await b.append()];
      await a.ackAll(); // both acknowledged: the counter and the journal remember seq 1
      out.push(await a.append(), await b.append(), await b.append(), await a.append());
      return out;
    });
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('quarantines a damaged record: the rest load in seq order, new entries still go in', async () => {
    const result = await page.evaluate(async () => {
      const { db, box, append } = await lab.open('corrupt');
      await append();
      await append();
      await db.put('outbox', { id: 'broken-event', seq: 7, event: { type: 'nonsense' }, state: { kind: 'pending' }, clockOffsetMs: null });
      await db.put('outbox', { id: 'no-seq', seq: 'x' });
      const loaded = await box.loadAll();
      const next = await append().catch((e: Error) => e.message);
      return {
        seqs: loaded.records.map((r) => r.seq),
        invalid: loaded.invalid.sort(),
        left: (await db.getAllKeys('outbox')).length,
        quarantined: (await box.quarantined()).map((q) => q.key).sort(),
        next,
        again: (await box.loadAll()).invalid,
      };
    });
    expect(result.seqs).toEqual([0, 1]);
    expect(result.invalid).toEqual(['broken-event', 'no-seq']);
    expect(result.quarantined).toEqual(['broken-event', 'no-seq']);
    expect(result.next).toBe(2); // the queue goes on after the quarantine
    expect(result.left).toBe(3);
    expect(result.again).toEqual([]);
  });

  it('dismiss removes a rejected entry only, never one still waiting for its ack', async () => {
    const left = await page.evaluate(async () => {
      const { db, box, append } = await lab.open('dismiss');
      await append();
      const [pending] = (await box.loadAll()).records;
      await box.dismiss(pending!.id);
      const afterPending = (await db.getAllKeys('outbox')).length;
      await box.commitOutcome({ removed: [], rejected: [{ id: pending!.id, code: 'bad-shape', message: 'x' }] }, [pending!.event]);
      await box.dismiss(pending!.id);
      return [afterPending, (await db.getAllKeys('outbox')).length];
    });
    expect(left).toEqual([1, 0]);
  });

  it('after a reload the station view has every own entry once (acknowledged ones from the journal, waiting ones from the outbox), never a refused one', async () => {
    const result = await page.evaluate(async () => {
      const { db, box, append, ackAll, ownAfterReload } = await lab.open('own-events');
      await append();
      await append();
      await ackAll(); // 0 and 1 acknowledged
      await append();
      const [rejected] = (await box.loadAll()).records;
      await box.commitOutcome({ removed: [], rejected: [{ id: rejected!.id, code: 'bad-shape', message: 'x' }] }, [rejected!.event]);
      await append(); // 3 waits for its ack
      const tapOnly = (await db.getAllKeys('journal')).length; // the tap wrote no journal copy of 3
      const mixed = await ownAfterReload();
      await box.dismiss(rejected!.id);
      const dismissed = await ownAfterReload();
      // A profile written by the earlier version keeps a journal copy of each waiting entry too.
      const [waiting] = (await box.loadAll()).records;
      await db.put('journal', waiting!.event);
      const older = await ownAfterReload();
      return { tapOnly, mixed, dismissed, older };
    });
    expect(result.tapOnly).toBe(3);
    // 2 was refused by the service: it counts in no total the tablet shows, before or after dismissal.
    expect([...result.mixed].sort()).toEqual([0, 1, 3]);
    expect([...result.dismissed].sort()).toEqual([0, 1, 3]);
    expect([...result.older].sort()).toEqual([0, 1, 3]);
  });
});
