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
  /** The seqs claimed in a database's `meta`, in order. */
  claims(db: Db): Promise<number[]>;
  /** Deletes every seq claim (as a prune or a damaged profile would). */
  dropClaims(db: Db): Promise<void>;
  writeScopes(name: string): Promise<{ tap: { stores: string[]; durability: string }[]; kept: { stores: string[]; durability: string }[] }>;
  keptAcrossVersions(name: string): Promise<{ before: unknown[]; after: unknown[]; logBefore: unknown; logRaw: unknown }>;
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

  it("a tap never waits for the tablet keeping what it heard: those writes share no store with the tap's transaction", async () => {
    const { tap, kept } = await page.evaluate(() => lab.writeScopes('scopes'));
    expect(tap).toEqual([{ stores: ['meta', 'outbox'], durability: 'strict' }]);
    // Station status, line status and OEE, station log, last sync: one write each, none in meta or outbox.
    expect(kept).toHaveLength(5);
    for (const { stores } of kept) expect(stores.filter((s) => tap[0]!.stores.includes(s))).toEqual([]);
  });

  it('a reload still finds the last sync and station status an earlier version kept in meta, and newer ones once kept', async () => {
    const r = await page.evaluate(() => lab.keptAcrossVersions('kept-versions'));
    expect(r.before).toEqual([{ at: 5 }, { state: 'old' }]);
    expect(r.after).toEqual([{ at: 7 }, { state: 'new' }]);
    // A kept value of an earlier version is read where it was, never dropped (parsed like any other).
    expect(r.logBefore).toBeNull();
    expect(r.logRaw).toEqual({ stationId: 'old' });
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

  it('a tab that knows the counter commits without reading it, yet never takes a seq another tab used after the entry left the outbox', async () => {
    const result = await page.evaluate(async () => {
      const [a, b] = [await lab.open('claims'), await lab.open('claims')];
      const out = [await a.append(), await a.append()]; // a expects 2 from now on
      out.push(await b.append(), await b.append()); // b reads the counter: 2, 3
      await b.ackAll(); // all four left the outbox: only the claims remember 2 and 3
      out.push(await a.append()); // a's expectation (2) is refused by the claim, it reads the counter
      const claims = (await lab.claims(a.db)).length;
      // The refused transaction left nothing: only the entry made again waits, and the counter is past it.
      return { out, claims, stored: await a.stored(), counter: await a.db.get('meta', 'seq') };
    });
    expect(result).toEqual({ out: [0, 1, 2, 3, 4], claims: 5, stored: [4], counter: 5 });
  });

  it('a new tab moves past a counter behind the claims (a restored profile), and past lost claims through the journal', async () => {
    const result = await page.evaluate(async () => {
      const a = await lab.open('claims-behind');
      const out: (number | string)[] = [await a.append(), await a.append(), await a.append()];
      await a.ackAll(); // 0..2 acknowledged: journal and claims hold them
      await a.db.put('meta', 1, 'seq'); // the counter goes back
      const b = await lab.open('claims-behind'); // a new tab: it reads the counter
      out.push(await b.append().catch((e: Error) => e.message));
      await b.db.delete('meta', 'seq');
      await lab.dropClaims(b.db);
      const c = await lab.open('claims-behind'); // counter and claims lost: the journal still has 0..2, the outbox 3
      out.push(await c.append().catch((e: Error) => e.message));
      await c.ackAll();
      await c.db.delete('meta', 'seq');
      await c.db.clear('journal'); // counter, outbox and journal hold nothing: only the claims know 0..4
      const d = await lab.open('claims-behind');
      out.push(await d.append().catch((e: Error) => e.message));
      // Days later the claims are pruned and the journal too: the prune's mark still knows the counter.
      const t = Date.now();
      await d.box.prune(t);
      await d.box.prune(t + 25 * 3600_000);
      await d.ackAll();
      await d.db.delete('meta', 'seq');
      await d.db.clear('journal');
      const e = await lab.open('claims-behind');
      out.push(await e.append().catch((err: Error) => err.message));
      return out;
    });
    expect(result).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a tab reads the counter again after ten minutes, so pruning a day-old claim can never let it re-use a seq', async () => {
    const result = await page.evaluate(async () => {
      const [a, b] = [await lab.open('claims-pruned'), await lab.open('claims-pruned')];
      const out = [await a.append()]; // a expects 1
      out.push(await b.append()); // b takes 1
      await b.ackAll();
      const realNow = Date.now;
      const later = realNow() + 11 * 60_000;
      Date.now = () => later; // eleven minutes on (the claims are pruned only after a day, as if they were now)
      try {
        await lab.dropClaims(a.db);
        out.push(await a.append()); // its expectation (1) is too old: read, not trusted
      } finally {
        Date.now = realNow;
      }
      // Read first, so a never even wrote at 1 (a later check would have moved it, leaving a claim).
      const wallClaims = (await lab.claims(a.db)).length;
      // The same with only the monotonic clock ten minutes on (a wall clock set back meanwhile).
      out.push(await b.append()); // b's expectation (2) is refused by a's claim: 3, and b expects 4
      out.push(await a.append()); // a's (3) by b's: 4
      await a.ackAll();
      await lab.dropClaims(a.db);
      const realPerf = performance.now.bind(performance);
      const perfLater = realPerf() + 11 * 60_000;
      Object.defineProperty(performance, 'now', { value: () => perfLater, configurable: true });
      try {
        out.push(await b.append()); // b's expectation (4) is too old: read, not trusted
      } finally {
        Object.defineProperty(performance, 'now', { value: realPerf, configurable: true });
      }
      // Read first, so b never even wrote at 4 (a later check would have moved it, leaving a claim).
      const claims = await lab.claims(a.db);
      return { out, wallClaims, claims };
    });
    expect(result).toEqual({ out: [0, 1, 2, 3, 4, 5], wallClaims: 1, claims: [5] });
  });

  it('prunes seq claims made more than a day ago, in one short transaction, and never ones a tab may still rely on', async () => {
    const result = await page.evaluate(async () => {
      const { db, box, append } = await lab.open('claims-prune');
      const claims = () => lab.claims(db);
      const hour = 3600_000;
      const t0 = Date.now();
      await append();
      await append(); // claims 0, 1
      await box.prune(t0); // marks the counter (2) at t0: nothing is a day old yet
      const first = await claims();
      await append();
      await append(); // claims 2, 3
      await box.prune(t0 + 23 * hour);
      const later = await claims();
      const day = 24 * hour;
      await box.prune(t0 - 400 * day); // the clock was set back a year: the mark is set again, nothing dropped
      const setBack = await claims();
      await append(); // claim 4, after the mark
      await box.prune(t0 - 400 * day + 25 * hour); // a day after the new mark: what was claimed before it goes
      const pruned = await claims();
      return { first, later, setBack, pruned, next: await append() };
    });
    expect(result).toEqual({ first: [0, 1], later: [0, 1, 2, 3], setBack: [0, 1, 2, 3], pruned: [4], next: 5 });
  });

  it('an entry a tab committed at its expected seq is made again at the stored counter when a writer that claims nothing (the previous version) moved it', async () => {
    const result = await page.evaluate(async () => {
      const { db, box, append } = await lab.open('claims-unclaimed');
      const out = [await append()]; // expects 1
      await db.put('meta', 3, 'seq'); // an older tab wrote seqs 1 and 2 without claims; both were acknowledged
      out.push(await append());
      const { records } = await box.loadAll();
      const empty = await box.appendAll([], null);
      return { out, stored: records.map((r) => [r.seq, r.event.seq]), counter: await db.get('meta', 'seq'), empty };
    });
    expect(result).toEqual({ out: [0, 3], stored: [[0, 0], [3, 3]], counter: 4, empty: [] });
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
