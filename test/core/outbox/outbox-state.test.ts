import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { OutboxState } from '../../../src/core/outbox/outbox-state.ts';
import type { Ack, FloorEvent } from '../../../src/core/events.schema.ts';

const idOf = (n: number) => n.toString().padStart(26, '0');
const note = (n: number, station: string): FloorEvent => ({
  v: 1, id: idOf(n), deviceId: 'tab-1', seq: n, ts: 1_000 + n, author: 'op-1', lineId: 'l1', stationId: station, type: 'note', text: `n${n}`,
});

type Op =
  | { op: 'add'; station: 's1' | 's2' }
  | { op: 'send'; max: number }
  | { op: 'deliver'; pick: number; dupAck: boolean }
  | { op: 'lose'; pick: number }
  | { op: 'ack'; pick: number; keep: boolean }
  | { op: 'disconnect' }
  | { op: 'expire' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), station: fc.constantFrom('s1' as const, 's2' as const) }),
  fc.record({ op: fc.constant('send' as const), max: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ op: fc.constant('deliver' as const), pick: fc.nat(), dupAck: fc.boolean() }),
  fc.record({ op: fc.constant('lose' as const), pick: fc.nat() }),
  fc.record({ op: fc.constant('ack' as const), pick: fc.nat(), keep: fc.boolean() }),
  fc.constant({ op: 'disconnect' as const }),
  fc.constant({ op: 'expire' as const }),
);

/** A simulated service: stores each id once, rejects ids in `poison`, acks after "commit". */
function harness(poison: Set<string>) {
  const box = new OutboxState();
  const stored = new Set<string>();
  const added: string[] = [];
  const gone = new Set<string>(); // acked or rejected: must never be sent again
  const network: FloorEvent[][] = [];
  const acks: Ack[] = [];
  let batchNo = 0;
  let now = 0;
  const send = (max: number) => {
    const batch = box.takeBatch(`b${batchNo++}`, now, max);
    if (!batch) return false;
    for (const e of batch.events) expect(gone.has(e.id), `id ${e.id} sent after its ack`).toBe(false);
    expect(new Set(batch.events.map((e) => e.stationId)).size).toBe(1);
    network.push(batch.events);
    return true;
  };
  const deliver = (i: number, dupAck: boolean) => {
    const [events] = network.splice(i, 1);
    if (!events) return;
    const ack: Ack = { deviceId: 'tab-1', accepted: [], rejected: [], committedAt: now };
    events.forEach((e, index) => {
      if (poison.has(e.id)) ack.rejected.push({ id: e.id, index, code: 'unknown-reason', message: 'no such reason' });
      else {
        stored.add(e.id);
        ack.accepted.push(e.id);
      }
    });
    acks.push(ack);
    if (dupAck) acks.push(ack);
  };
  const receiveAck = (i: number, keep: boolean) => {
    const ack = keep ? acks[i] : acks.splice(i, 1)[0];
    if (!ack) return;
    const outcome = box.outcomeOf(ack);
    box.apply(outcome);
    for (const id of outcome.removed) gone.add(id);
    for (const r of outcome.rejected) gone.add(r.id);
  };
  return {
    box, stored, added, network, acks, poison,
    step(op: Op) {
      now += 10;
      switch (op.op) {
        case 'add': {
          const n = added.length;
          added.push(idOf(n));
          box.add(note(n, op.station));
          return;
        }
        case 'send': return void send(op.max);
        case 'deliver': return network.length ? deliver(op.pick % network.length, op.dupAck) : undefined;
        case 'lose': return void (network.length ? network.splice(op.pick % network.length, 1) : undefined);
        case 'ack': return acks.length ? receiveAck(op.pick % acks.length, op.keep) : undefined;
        case 'disconnect': return box.connectionLost();
        case 'expire': return void box.expire(now, 50);
      }
    },
    /** Reconnect and run everything to quiescence, delivering in order. */
    drain() {
      for (let round = 0; round < 1000; round++) {
        box.connectionLost();
        while (send(100));
        while (network.length) deliver(0, false);
        while (acks.length) receiveAck(0, false);
        if (box.count('pending') === 0 && box.count('sent') === 0) return;
      }
      throw new Error('outbox did not drain');
    },
  };
}

describe('OutboxState', () => {
  it('loses nothing and never sends an entry again once acknowledged, under shuffled, duplicated and lost deliveries and reconnects', () => {
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 30, maxLength: 300, size: 'max' }), fc.array(fc.nat({ max: 40 }), { maxLength: 6 }), (ops, poisonNums) => {
        const h = harness(new Set(poisonNums.map(idOf)));
        for (const op of ops) h.step(op);
        h.drain();
        for (const id of h.added) {
          if (h.poison.has(id)) {
            // Kept and shown with its reason, never stored.
            expect(h.box.get(id)?.state).toEqual({ kind: 'rejected', code: 'unknown-reason', message: 'no such reason' });
            expect(h.stored.has(id)).toBe(false);
          } else {
            expect(h.stored.has(id), `entry ${id} lost`).toBe(true);
            expect(h.box.get(id)).toBeUndefined();
          }
        }
        expect(h.box.size).toBe(h.added.filter((id) => h.poison.has(id)).length);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a rejected entry block the ones behind it', () => {
    const box = new OutboxState();
    for (let n = 0; n < 5; n++) box.add(note(n, 's1'));
    const first = box.takeBatch('b1', 0, 1)!;
    box.apply(box.outcomeOf({ accepted: [], rejected: [{ id: first.events[0]!.id, index: 0, code: 'bad-shape', message: 'x' }] }));
    box.connectionLost();
    const next = box.takeBatch('b2', 1, 100)!;
    expect(next.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(box.count('rejected')).toBe(1);
  });

  it('batches per station, oldest first, at most max entries', () => {
    const box = new OutboxState();
    box.add(note(0, 's2'));
    for (let n = 1; n < 5; n++) box.add(note(n, 's1'));
    expect(box.takeBatch('a', 0, 10)?.events.map((e) => e.seq)).toEqual([0]);
    expect(box.takeBatch('b', 0, 3)?.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(box.takeBatch('c', 0, 3)?.events.map((e) => e.seq)).toEqual([4]);
    expect(box.takeBatch('d', 0, 3)).toBeNull();
    expect(box.inflightBatches).toBe(3);
  });

  it('puts a batch back to pending when its ack is overdue, and ignores a late duplicate ack', () => {
    const box = new OutboxState();
    box.add(note(0, 's1'));
    box.takeBatch('a', 0, 10);
    expect(box.expire(10, 100)).toBe(0);
    expect(box.expire(200, 100)).toBe(1);
    expect(box.count('pending')).toBe(1);
    const ack = { accepted: [idOf(0)], rejected: [] };
    box.apply(box.outcomeOf(ack));
    expect(box.size).toBe(0);
    expect(box.outcomeOf(ack)).toEqual({ removed: [], rejected: [] });
  });
});
