import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';

const HOUR = 3600_000;
const ackTopic = `floorboard/v1/${SITE}/_ack/tab-1`;

// Issue 11, defect 5: one event a year ahead shifted the device's later events by a year for ten
// minutes, because the clock offset trusted the largest sample. It is refused as `bad-time`, and
// the events after it keep their own time.
describe('event times far from the service clock', () => {
  let h: Harness;
  let tablet: MqttClient;

  beforeAll(async () => {
    h = await startHarness({ maxEventAheadMs: 2 * HOUR });
    const { token } = await h.login(fixtureLogin('op-a', 'tab-1'));
    tablet = await h.connect('op-a', token, 'tab-1');
    expect(await subscribe(tablet, ackTopic)).toBe(1);
  });
  afterAll(async () => h?.close());

  const send = async (events: unknown[]): Promise<Ack> => {
    const ack = nextMessage(tablet, ackTopic);
    await publish(tablet, topicA1, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const stored = async (id: unknown) => (await h.service.storage.listEvents()).events.find((e) => e.event.id === id);

  it('refuses an event a year ahead as bad-time and books the later events at their own time', async () => {
    for (let i = 0; i < 3; i++) await send([countEvent({ ts: Date.now() - 100 })]);
    const yearAhead = countEvent({ ts: Date.now() + 365 * 24 * HOUR });
    const ack = await send([yearAhead]);
    expect(ack.accepted).toEqual([]);
    expect(ack.rejected).toEqual([{ index: 0, id: yearAhead.id, code: 'bad-time', message: expect.stringMatching(/ahead of the service clock/) as unknown }]);
    expect((await h.service.storage.listDeadLetters(1))[0]).toMatchObject({ code: 'bad-time', deviceId: 'tab-1' });
    expect(await stored(yearAhead.id)).toBeUndefined();

    const later = countEvent({ ts: Date.now() - 500 });
    expect((await send([later])).accepted).toEqual([later.id]);
    const record = await stored(later.id);
    expect(Math.abs(record!.correctedTs - (later.ts as number))).toBeLessThan(5000);
  });

  it('applies the configured bound after the device offset: 3 h ahead is refused with MAX_EVENT_AHEAD_MS of 2 h, 1 h ahead is kept', async () => {
    const near = countEvent({ ts: Date.now() + HOUR });
    const far = countEvent({ ts: Date.now() + 3 * HOUR });
    const ack = await send([near, far]);
    expect(ack.accepted).toEqual([near.id]);
    expect(ack.rejected.map((r) => [r.index, r.code])).toEqual([[1, 'bad-time']]);
  });

  it('refuses an event from before its device could have been offline (a clock reset to 1970)', async () => {
    const reset = countEvent({ ts: 86_400_000 });
    const ack = await send([reset]);
    expect(ack.rejected.map((r) => r.code)).toEqual(['bad-time']);
    const weekOld = countEvent({ ts: Date.now() - 7 * 24 * HOUR });
    expect((await send([weekOld])).accepted).toEqual([weekOld.id]);
  });
});
