/** Browser side of outbox-idb.test.ts: the real IndexedDB adapter, exposed to page.evaluate. */
import { ulid } from 'ulid';
import { openFloorboardDb } from '../../../src/app/adapters/db.ts';
import { CLAIM_PREFIX, OutboxIdb } from '../../../src/app/adapters/outbox-idb.ts';
import { readStart } from '../../../src/app/adapters/db-early.ts';
import { lastSyncSchema } from '../../../src/app/adapters/cache-idb.ts';
import { KEPT_LIVE_KEYS, KeptLive } from '../../../src/app/adapters/kept-live.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';

const count = (seq: number): FloorEvent =>
  ({ v: 1, id: ulid(), deviceId: 'tab-lab', seq, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 }) as FloorEvent;

const lab = {
  claims: async (db: Awaited<ReturnType<typeof openFloorboardDb>>) =>
    (await db.getAllKeys('meta')).filter((k) => String(k).startsWith(CLAIM_PREFIX)).map((k) => Number(String(k).slice(CLAIM_PREFIX.length))),
  dropClaims: (db: Awaited<ReturnType<typeof openFloorboardDb>>) => db.delete('meta', IDBKeyRange.bound(CLAIM_PREFIX, `${CLAIM_PREFIX}\uffff`)),
  /**
   * The stores of each readwrite transaction made by a tap (`append`) and by keeping each live
   * value the tablet heard (`KeptLive.put`), in that order.
   */
  async writeScopes(name: string) {
    const db = await openFloorboardDb(name);
    const scopes: { stores: string[]; durability: string }[] = [];
    const transaction = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, stores: string | string[], mode?: IDBTransactionMode, options?: IDBTransactionOptions) {
      if (mode === 'readwrite') scopes.push({ stores: [stores].flat().sort(), durability: options?.durability ?? 'default' });
      return transaction.call(this, stores, mode, options);
    } as typeof transaction;
    try {
      // The first tap of a tab reads the counter; the next ones are the taps an operator makes in a row.
      const box = new OutboxIdb(db);
      await box.appendAll([count], null);
      scopes.length = 0;
      await box.appendAll([count], null);
      const tap = scopes.splice(0);
      for (const key of KEPT_LIVE_KEYS) await new KeptLive(db).put(key, { at: 1 });
      return { tap, kept: scopes.splice(0) };
    } finally {
      IDBDatabase.prototype.transaction = transaction;
    }
  },
  /** The last sync and station status a reload finds: first as an earlier version kept them (in `meta`), then after this one kept newer ones. */
  async keptAcrossVersions(name: string) {
    const db = await openFloorboardDb(name);
    await db.put('meta', { at: 5 }, 'last-sync');
    await db.put('meta', { state: 'old' }, 'station-status');
    await db.put('meta', { stationId: 'old' }, 'station-log');
    const before = (await readStart(db, Date.now())).meta;
    const cache = new KeptLive(db);
    const logBefore = await cache.get('station-log', lastSyncSchema);
    await cache.put('last-sync', { at: 7 });
    await cache.put('station-status', { state: 'new' });
    const after = (await readStart(db, Date.now())).meta;
    return { before: [before.lastSync, before.stationStatus], after: [after.lastSync, after.stationStatus], logBefore, logRaw: await db.get('meta', 'station-log') };
  },
  async open(name: string) {
    const db = await openFloorboardDb(name);
    const box = new OutboxIdb(db);
    return {
      db,
      box,
      append: async () => (await box.appendAll([count], null))[0]!.seq,
      /** A group of entries (a lead's change and its why); `isBroken`: its last one is no valid event. */
      appendGroup: async (n: number, isBroken = false) =>
        (await box.appendAll(Array.from({ length: n }, (_, i) => (seq: number) => (isBroken && i === n - 1 ? ({ ...count(seq), good: -1 } as FloorEvent) : count(seq))), null)).map((r) => r.seq),
      stored: async () => (await box.loadAll()).records.map((r) => r.seq),
      /** The service accepted every waiting entry: the ack's transaction moves them to the journal. */
      async ackAll() {
        const { records } = await box.loadAll();
        await box.commitOutcome({ removed: records.map((r) => r.id), rejected: [] }, records.map((r) => r.event));
      },
      /** What the station view starts with after a reload: ids and seqs, in the order given. */
      async ownAfterReload() {
        const read = await readStart(db, Date.now());
        const { records } = await box.loadAll(read.outbox);
        return OutboxIdb.ownEvents(await read.journal, records, Date.now()).map((e) => e.seq);
      },
    };
  },
};
(globalThis as unknown as { lab: typeof lab }).lab = lab;
