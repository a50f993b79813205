import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_DEAD_LETTER_BYTES } from '../../../src/server/storage/storage.ts';
import { countEvent, publish, topicA1 } from '../support/service-harness.ts';
import { startIngestRig, type BrokerKind, type IngestRig } from '../support/ingest-rig.ts';

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
/** An invalid event (unknown fields aside, a note's text must be a string) whose raw JSON is `value`. */
const eventWith = (field: string, valueJson: string) => {
  const base = JSON.stringify({ ...countEvent(), type: 'note', text: 'x' });
  return `{"events":[${base.slice(0, -1)},"${field}":${valueJson}}]}`;
};

// Issue 11, defect 1: one message a client can send must never stop ingest. Before the fix a
// value nested 10,000 deep made the dead letter's JSON.stringify overflow the stack (a nested
// `type` overflowed at parse time): the message was never PUBACKed, came back first on every
// reconnect, and nothing behind it was stored.
describe.each<BrokerKind>(['embedded', 'mosquitto'])('ingest is total (%s broker)', (kind) => {
  let rig: IngestRig;
  beforeAll(async () => {
    rig = await startIngestRig(kind);
  });
  afterAll(async () => rig?.close());

  const cases: [string, string][] = [
    ['an invalid event with a value nested 10,000 deep (~20 KB)', eventWith('text', nested(10_000))],
    ['an event whose `type` is nested 10,000 deep', eventWith('type', nested(10_000))],
    ['a batch nested 100,000 deep', `{"events":${nested(100_000)}}`],
    ['an event whose `type` is a 200 KB string', eventWith('type', JSON.stringify('t'.repeat(200_000)))],
  ];

  it.each(cases)('dead-letters %s, acks it, and stores and acks the 20 valid events behind it', async (_name, poison) => {
    const deadBefore = (await rig.service.storage.listDeadLetters(1000)).length;
    await publish(rig.tablet, topicA1, poison);
    const valid = Array.from({ length: 20 }, () => countEvent());
    for (const e of valid) await publish(rig.tablet, topicA1, JSON.stringify({ events: [e] }));
    const ids = valid.map((e) => e.id as string);
    await rig.waitAccepted(ids, 8000);

    const stored = (await rig.service.storage.listEvents()).events.map((e) => e.event.id);
    for (const id of ids) expect(stored.filter((s) => s === id)).toHaveLength(1);
    const dead = await rig.service.storage.listDeadLetters(1000);
    expect(dead.length).toBe(deadBefore + 1);
    expect(dead[0]!.code).toBe('bad-shape');
    // Kept for an admin to read, cut to the dead-letter limit.
    expect(dead[0]!.payload.length).toBeGreaterThan(0);
    expect(Buffer.byteLength(dead[0]!.payload)).toBeLessThanOrEqual(MAX_DEAD_LETTER_BYTES);
    expect((await rig.http('/healthz')).status).toBe(200);
  });
});
