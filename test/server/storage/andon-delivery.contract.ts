import { expect, it } from 'vitest';
import type { AndonDeliveryAttempt } from '../../../src/server/storage/storage.ts';
import { T0 } from './event-fixtures.ts';
import type { ContractContext } from './storage.contract.ts';

const attempt = (over: Partial<AndonDeliveryAttempt>): AndonDeliveryAttempt => ({
  deliveryId: 'd1',
  callId: 'call-1',
  lineId: 'line-a',
  channel: 'webhook',
  target: 'cmms',
  change: 'raised',
  attempt: 1,
  at: T0,
  ms: 12,
  outcome: 'failed',
  status: 500,
  error: 'HTTP 500',
  ...over,
});

/** The andon delivery log (migration 9): every try kept once, read per call, per line, or only the dead-lettered. */
export function andonDeliveryContract(ctx: ContractContext): void {
  it('keeps each andon delivery try once, reads them per call and line oldest first, and finds the dead-lettered', async () => {
    await ctx.storage.migrate();
    const tries = [
      attempt({}),
      attempt({ attempt: 2, at: T0 + 1000, outcome: 'dead', status: null, error: 'connect ECONNREFUSED 127.0.0.1:9\u0000' }),
      attempt({ deliveryId: 'd2', channel: 'email', target: 'lead@plant.test, mgr@plant.test', change: 'escalated', at: T0 + 2000, outcome: 'delivered', status: 250, error: null }),
      attempt({ deliveryId: 'd3', callId: 'call-2', lineId: 'line-b', channel: 'mqtt', target: 'floorboard/v1/s/a/line-b/andon/calls', outcome: 'delivered', status: null, error: null }),
    ];
    for (const t of tries) await ctx.storage.insertAndonDeliveryAttempt(t);
    // A try logged twice (a retry of the log write) stays one row.
    await ctx.storage.insertAndonDeliveryAttempt(attempt({ outcome: 'delivered', status: 200, error: null }));
    const one = await ctx.storage.listAndonDeliveryAttempts({ callId: 'call-1', limit: 100 });
    expect(one).toEqual([tries[0], { ...tries[1], error: 'connect ECONNREFUSED 127.0.0.1:9\uFFFD' }, tries[2]]);
    expect(await ctx.storage.listAndonDeliveryAttempts({ lineIds: ['line-b'], limit: 100 })).toEqual([tries[3]]);
    expect(await ctx.storage.listAndonDeliveryAttempts({ lineIds: [], limit: 100 })).toEqual([]);
    expect((await ctx.storage.listAndonDeliveryAttempts({ onlyDead: true, limit: 100 })).map((t) => [t.deliveryId, t.attempt])).toEqual([['d1', 1], ['d1', 2]]);
    expect((await ctx.storage.listAndonDeliveryAttempts({ from: T0 + 1000, limit: 100 })).map((t) => [t.deliveryId, t.attempt])).toEqual([['d1', 2], ['d2', 1]]);
    // The newest `limit`, still oldest first.
    expect((await ctx.storage.listAndonDeliveryAttempts({ limit: 2 })).map((t) => t.deliveryId)).toEqual(['d2', 'd3']);
    await expect(ctx.storage.insertAndonDeliveryAttempt(attempt({ channel: 'sms' as 'mqtt' }))).rejects.toMatchObject({ code: 'invalid-arguments' });
  });
}
