import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema } from '../../src/core/events.schema.ts';
import { startTestPostgres, type TestPostgres } from '../helpers/postgres.ts';
import { startHarness, countEvent, nextMessage, publish, SITE, subscribe, topicA1, type Harness, fixtureLogin } from './support/service-harness.ts';

describe('the service on PostgreSQL (DATABASE_URL)', () => {
  let pg: TestPostgres;
  let h: Harness;
  beforeAll(async () => {
    pg = await startTestPostgres();
    h = await startHarness({ databaseUrl: await pg.createDatabase() }, { logger: pino({ level: 'silent' }) });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await pg?.stop();
  });

  it('stores a batch once, acks after the commit, and answers history from PostgreSQL', async () => {
    expect(h.service.storage.kind).toBe('postgres');
    const { token } = await h.login(fixtureLogin('op-a', 'tab-pg'));
    const c = await h.connect('op-a', token, 'tab-pg');
    const ackTopic = `floorboard/v1/${SITE}/_ack/tab-pg`;
    await subscribe(c, ackTopic);
    const events = [countEvent({ deviceId: 'tab-pg', good: 7, reject: 0 })];
    for (let i = 0; i < 2; i++) {
      const ack = nextMessage(c, ackTopic);
      await publish(c, topicA1, JSON.stringify({ events }));
      expect(ackSchema.parse(await ack).accepted).toEqual([events[0]!.id]);
    }
    expect((await h.service.storage.listEvents()).events).toHaveLength(1);
    const health = (await (await h.http('/healthz')).json()) as { storage: string };
    expect(health.storage).toBe('postgres');
  });
});
