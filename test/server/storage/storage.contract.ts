import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FloorboardError } from '../../../src/core/errors.ts';
import { migrations } from '../../../src/server/storage/migrations.ts';
import type { Storage, StoredEventInput } from '../../../src/server/storage/storage.ts';
import { HOUR, T0, everyKind, makeEvent, makeRecord } from './event-fixtures.ts';
import { bucketContract } from './bucket-device.contract.ts';
import { andonDeliveryContract } from './andon-delivery.contract.ts';
import { plantVersionContract } from './plant-version.contract.ts';

/** One empty database per test, seen through the adapter under test. */
export interface StorageFixture {
  /** Fresh storage on an empty database, not migrated yet. */
  storage: Storage;
  /** Another storage (own connection or pool) on the same database. */
  openAnother(): Promise<Storage>;
  /** Raw SQL on the same database, to damage rows the way an old build or a person might. */
  exec(sql: string): Promise<void>;
  /** Closes what the fixture opened and removes the database. */
  dispose(): Promise<void>;
}

export interface ContractContext {
  fx: StorageFixture;
  storage: Storage;
}

const ids = (records: readonly StoredEventInput[]) => records.map((r) => r.event.id);

/** The behaviour every Storage adapter must show, run against a real engine. */
export function storageContract(name: string, makeFixture: () => Promise<StorageFixture>): void {
  describe(`${name} storage contract`, () => {
    const ctx = {} as ContractContext;
    beforeEach(async () => {
      ctx.fx = await makeFixture();
      ctx.storage = ctx.fx.storage;
    });
    afterEach(async () => {
      await ctx.fx.dispose();
    });

    it('applies every migration once, in order, and re-runs safely (also from a second connection)', async () => {
      expect(await ctx.storage.migrate()).toEqual(migrations.map((m) => m.version));
      expect(await ctx.storage.migrate()).toEqual([]);
      const other = await ctx.fx.openAnother();
      expect(await other.migrate()).toEqual([]);
      expect(migrations.map((m) => m.version)).toEqual([...migrations.map((m) => m.version)].sort((a, b) => a - b));
    });

    describe('when migrated', () => {
      beforeEach(async () => {
        await ctx.storage.migrate();
      });

      it('stores every event kind and reads it back unchanged', async () => {
        const records = everyKind().map((e, i) => makeRecord(e, i * 10 - 40));
        const result = await ctx.storage.insertEvents(records);
        expect(result).toEqual({ inserted: ids(records), duplicates: [] });
        const page = await ctx.storage.listEvents();
        expect(page.unreadable).toEqual([]);
        expect(page.events.map(({ storageSeq: _, ...rest }) => rest)).toEqual(records);
        expect(page.lastSeq).toBe(page.events.at(-1)?.storageSeq);
      });

      it('is idempotent on the event id: repeats in a batch and re-sent batches are duplicates', async () => {
        const records = [1, 2, 3].map(() => makeRecord(makeEvent()));
        const [a, b, c] = ids(records);
        const batch = [records[0]!, records[1]!, records[0]!, records[2]!, records[1]!];
        expect(await ctx.storage.insertEvents(batch)).toEqual({ inserted: [a, b, c], duplicates: [a, b] });
        // The re-sent copy carries different receipt data: the first stored copy must win.
        const resent = records.map((r) => ({ ...r, receivedAt: r.receivedAt + 9_999 }));
        expect(await ctx.storage.insertEvents(resent)).toEqual({ inserted: [], duplicates: [a, b, c] });
        const page = await ctx.storage.listEvents();
        expect(page.events.map((e) => e.receivedAt)).toEqual(records.map((r) => r.receivedAt));
        expect(await ctx.storage.insertEvents([])).toEqual({ inserted: [], duplicates: [] });
      });

      it('numbers events in storage order and resumes after a sequence, page by page', async () => {
        // Later device time stored first: storage order is not event time.
        const first = [makeRecord(makeEvent(undefined, { ts: T0 + 5000 })), makeRecord(makeEvent())];
        const second = [makeRecord(makeEvent(undefined, { ts: T0 - 5000 }))];
        expect(await ctx.storage.lastStorageSeq()).toBe(0);
        await ctx.storage.insertEvents(first);
        await ctx.storage.insertEvents(second);
        const all = await ctx.storage.listEvents();
        // A tail of commits starts after the last one stored.
        expect(await ctx.storage.lastStorageSeq()).toBe(all.events.at(-1)!.storageSeq);
        expect(all.events.map((e) => e.event.id)).toEqual(ids([...first, ...second]));
        const seqs = all.events.map((e) => e.storageSeq);
        expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
        const page1 = await ctx.storage.listEvents({ limit: 2 });
        expect(page1.events.map((e) => e.event.id)).toEqual(ids(first));
        const page2 = await ctx.storage.listEvents({ afterSeq: page1.lastSeq!, limit: 2 });
        expect(page2.events.map((e) => e.event.id)).toEqual(ids(second));
        const page3 = await ctx.storage.listEvents({ afterSeq: page2.lastSeq! });
        expect(page3).toEqual({ events: [], unreadable: [], lastSeq: null });
        const byTime = await ctx.storage.listEvents({ orderBy: 'time' });
        expect(byTime.events.map((e) => e.event.id)).toEqual(ids([second[0]!, first[1]!, first[0]!]));
      });

      it('filters by line and by corrected time, from inclusive and to exclusive', async () => {
        const at = (lineId: string, ts: number, offset = 0) => makeRecord(makeEvent(undefined, { lineId, ts }), offset);
        const a0 = at('line-a', T0);
        const a1 = at('line-a', T0 + HOUR - 1);
        // Device clock one hour ahead: corrected back into the window.
        const a2 = at('line-a', T0 + 2 * HOUR, HOUR);
        const a3 = at('line-a', T0 + HOUR);
        const b0 = at('line-b', T0 + 10);
        const c0 = at('line_c', T0 + 20);
        await ctx.storage.insertEvents([a0, a1, a2, a3, b0, c0]);
        const window = { from: T0, to: T0 + HOUR };
        const got = async (q: Parameters<Storage['listEvents']>[0]) =>
          (await ctx.storage.listEvents(q)).events.map((e) => e.event.id);
        expect(await got({ ...window, lineIds: ['line-a'] })).toEqual(ids([a0, a1]));
        expect(await got({ from: T0 + HOUR, lineIds: ['line-a'] })).toEqual(ids([a2, a3]));
        expect(await got({ ...window, lineIds: ['line-b', 'line_c'] })).toEqual(ids([b0, c0]));
        expect(await got({ to: T0 + 15 })).toEqual(ids([a0, b0]));
        expect(await got({ lineIds: [] })).toEqual([]);
        expect(await got({ lineIds: ['line-z'] })).toEqual([]);
        // Monitoring starts at each line's first event (corrected time); a line with none is left out.
        expect(await ctx.storage.firstEventTimes(['line-a', 'line-b', 'line-z'])).toEqual(
          new Map([
            ['line-a', T0],
            ['line-b', T0 + 10],
          ]),
        );
      });

      it('reads per line and type the latest events before a time, oldest first, however old', async () => {
        const ev = (lineId: string, ts: number, type: 'stop' | 'count' = 'count', offset = 0) =>
          makeRecord(makeEvent(type === 'stop' ? { type: 'stop.start', stopId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } : undefined, { lineId, ts }), offset);
        const old = ev('line-a', T0 - 400 * HOUR);
        const stops = [ev('line-a', T0 - 300 * HOUR, 'stop'), ev('line-a', T0 - 2 * HOUR, 'stop'), ev('line-a', T0 - HOUR, 'stop')];
        const counts = [old, ev('line-a', T0 - 3 * HOUR), ev('line-b', T0 - 5 * HOUR)];
        // Corrected time decides: made "before" by its device clock, but corrected after.
        const late = ev('line-a', T0 - 10, 'count', -HOUR);
        await ctx.storage.insertEvents([...stops, ...counts, late, ev('line-a', T0 + 1)]);
        const got = await ctx.storage.latestEventsBefore({ lineIds: ['line-a', 'line-b', 'line-z'], types: ['stop.start', 'count'], before: T0, perType: 2 });
        expect(got.map((e) => e.event.id)).toEqual(ids([old, counts[2]!, counts[1]!, stops[1]!, stops[2]!]));
        expect(got[1]).toMatchObject({ correctedTs: T0 - 5 * HOUR, storageSeq: expect.any(Number) });
        expect(await ctx.storage.latestEventsBefore({ lineIds: [], types: ['count'], before: T0, perType: 1 })).toEqual([]);
      });

      it('reports rows that no longer parse instead of throwing, and keeps the rest', async () => {
        const records = [1, 2, 3, 4].map(() => makeRecord(makeEvent()));
        await ctx.storage.insertEvents(records);
        const [good1, badShape, badLine, good2] = ids(records);
        await ctx.fx.exec(`UPDATE events SET payload = '{"type":"count","productId":"p-1","good":-4,"reject":0}' WHERE id = '${badShape}'`);
        await ctx.fx.exec(`UPDATE events SET line_id = 'Bad Line' WHERE id = '${badLine}'`);
        const page = await ctx.storage.listEvents();
        expect(page.events.map((e) => e.event.id)).toEqual([good1, good2]);
        expect(page.unreadable.map((u) => u.id)).toEqual([badShape, badLine]);
        expect(page.unreadable[0]!.issues.join('\n')).toMatch(/good/);
        expect(page.unreadable[1]!.issues.join('\n')).toMatch(/lineId/);
      });

      it('reads back the stored copies of given ids (what a resend collided with)', async () => {
        const records = [makeRecord(makeEvent()), makeRecord(makeEvent()), makeRecord(makeEvent())];
        await ctx.storage.insertEvents(records);
        const page = await ctx.storage.listEvents({ ids: [records[2]!.event.id, makeEvent().id, records[0]!.event.id] });
        expect(page.events.map((e) => e.event)).toEqual([records[0]!.event, records[2]!.event]);
        expect((await ctx.storage.listEvents({ ids: [] })).events).toEqual([]);
      });

      it('refuses a batch with a bad receipt, names the record and field, and stores nothing', async () => {
        const good = makeRecord(makeEvent());
        const bad = { ...makeRecord(makeEvent()), correctedTs: -1 };
        const error = await ctx.storage.insertEvents([good, bad]).then(() => null, (e: unknown) => e);
        expect(error).toBeInstanceOf(FloorboardError);
        expect((error as FloorboardError).code).toBe('invalid-event');
        expect((error as FloorboardError).details.join('\n')).toMatch(/^records\.1\.correctedTs: /m);
        expect((await ctx.storage.listEvents()).events).toEqual([]);
      });

      it('stores each id once when two connections insert overlapping batches at the same time', async () => {
        const other = await ctx.fx.openAnother();
        const records = Array.from({ length: 600 }, (_, i) => makeRecord(makeEvent(undefined, { seq: i })));
        const left = records.slice(0, 400);
        const right = records.slice(200).reverse();
        const [l, r] = await Promise.all([ctx.storage.insertEvents(left), other.insertEvents(right)]);
        const inserted = [...l.inserted, ...r.inserted].sort();
        expect(inserted).toEqual(ids(records).sort());
        expect(l.duplicates.length + r.duplicates.length).toBe(200);
        const page = await ctx.storage.listEvents();
        expect(page.events.map((e) => e.event.id).sort()).toEqual(ids(records).sort());
        const seqs = page.events.map((e) => e.storageSeq);
        expect(new Set(seqs).size).toBe(600);
      });

      it('fails with storage-failed after close', async () => {
        await ctx.storage.close();
        await expect(ctx.storage.listEvents()).rejects.toMatchObject({ code: 'storage-failed' });
        await ctx.storage.close();
      });

      bucketContract(ctx);
      andonDeliveryContract(ctx);
      plantVersionContract(ctx);
    });
  });
}
