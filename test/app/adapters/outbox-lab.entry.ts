/** Browser side of outbox-idb.test.ts: the real IndexedDB adapter, exposed to page.evaluate. */
import { ulid } from 'ulid';
import { openFloorboardDb } from '../../../src/app/adapters/db.ts';
import { CLAIM_PREFIX, OutboxIdb } from '../../../src/app/adapters/outbox-idb.ts';
import { readStart } from '../../../src/app/adapters/db-early.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';

const count = (seq: number): FloorEvent =>
  ({ v: 1, id: ulid(), deviceId: 'tab-lab', seq, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 }) as FloorEvent;

const lab = {
  claims: async (db: Awaited<ReturnType<typeof openFloorboardDb>>) =>
    (await db.getAllKeys('meta')).filter((k) => String(k).startsWith(CLAIM_PREFIX)).map((k) => Number(String(k).slice(CLAIM_PREFIX.length))),
  dropClaims: (db: Awaited<ReturnType<typeof openFloorboardDb>>) => db.delete('meta', IDBKeyRange.bound(CLAIM_PREFIX, `${CLAIM_PREFIX}\uffff`)),
  async open(name: string) {
    const db = await openFloorboardDb(name);
    const box = new OutboxIdb(db);
    return {
      db,
      box,
      append: async () => (await box.append(count, null)).seq,
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
