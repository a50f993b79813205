import type { MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

const ackTopic = `floorboard/v1/${SITE}/_ack/tab-1`;

// Issue 11, defect 7: the same id resent with other content was acked as accepted and dropped
// silently. It is refused with `conflict` (the first content stays), dead-lettered and counted;
// an identical resend stays an ordinary duplicate.
describe.each(['sqlite', 'postgres'] as const)('conflicting resends (%s)', (engine) => {
  let pg: TestPostgres | undefined;
  let h: Harness;
  let tablet: MqttClient;

  beforeAll(async () => {
    if (engine === 'postgres') pg = await startTestPostgres();
    h = await startHarness(pg ? { databaseUrl: await pg.createDatabase() } : {}, { logger: pino({ level: 'silent' }) });
    const { token } = await h.login(fixtureLogin('op-a', 'tab-1'));
    tablet = await h.connect('op-a', token, 'tab-1');
    expect(await subscribe(tablet, ackTopic)).toBe(1);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await pg?.stop();
  });

  const send = async (events: unknown[]): Promise<Ack> => {
    const ack = nextMessage(tablet, ackTopic);
    await publish(tablet, topicA1, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const metric = async (pattern: RegExp) => Number(pattern.exec(await (await h.http('/metrics')).text())?.[1] ?? 0);
  const storedCopies = async (id: string) => (await h.service.storage.listEvents()).events.filter((e) => e.event.id === id);

  it('acks an identical resend as a duplicate, refuses a different one with conflict and keeps the first', async () => {
    const first = countEvent({ good: 5 });
    expect((await send([first])).accepted).toEqual([first.id]);
    const duplicatesBefore = await metric(/floorboard_events_duplicates_total (\d+)/);

    // The same event again, keys in another order: an ordinary duplicate.
    const same = Object.fromEntries(Object.entries(first).reverse());
    expect(await send([same])).toMatchObject({ accepted: [first.id], rejected: [] });
    expect(await metric(/floorboard_events_duplicates_total (\d+)/)).toBe(duplicatesBefore + 1);

    const changed = { ...first, good: 500 };
    const fresh = countEvent();
    const ack = await send([fresh, changed]);
    expect(ack.accepted).toEqual([fresh.id]);
    expect(ack.rejected).toEqual([{ index: 1, id: first.id, code: 'conflict', message: expect.stringMatching(/different content/) as unknown }]);

    const copies = await storedCopies(first.id as string);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.event).toMatchObject({ good: 5 });
    const [dead] = await h.service.storage.listDeadLetters(1);
    expect(dead).toMatchObject({ code: 'conflict', deviceId: 'tab-1' });
    expect(JSON.parse(dead!.payload)).toMatchObject({ id: first.id, good: 500 });
    expect(await metric(/floorboard_dead_letters_total\{code="conflict"\} (\d+)/)).toBe(1);
    expect(await metric(/floorboard_events_duplicates_total (\d+)/)).toBe(duplicatesBefore + 1);
  });

  it('refuses the second of two different copies of one new id in one message', async () => {
    const a = countEvent({ good: 1 });
    const ack = await send([a, { ...a, good: 2 }]);
    expect(ack.accepted).toEqual([a.id]);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'conflict']]);
    expect((await storedCopies(a.id as string))[0]!.event).toMatchObject({ good: 1 });
  });
});
