import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvent, publish, topicA1 } from '../support/service-harness.ts';
import { startIngestRig, type BrokerKind, type IngestRig } from '../support/ingest-rig.ts';

/** Malformed messages per broker, each followed by a message holding a valid event. */
const MALFORMED = 300;
const SEED = 20261104;

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}0${'}'.repeat(depth)}`;

/** JSON text of a value no valid event field holds (written as text: some have no JS value). */
const oddValue: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 33, max: 20_000 }).map((d) => nested(d)),
  fc.integer({ min: 33, max: 5_000 }).map(deepObject),
  fc.integer({ min: 3, max: 30 }).map((d) => nested(d)),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => JSON.stringify('x'.repeat(n))),
  fc.constantFrom('1e999', '-1e999', '-1', '9007199254740993', '1.5', '-0', '8.64e16', '1e-400', '123456789012345678901234567890'),
  fc.constantFrom('null', 'true', '[]', '{}', '""', '"\\u0000"', '"\\ud800"', '"\\u202e"', '"<script>alert(1)</script>"'),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
);

const fields = ['v', 'id', 'seq', 'ts', 'author', 'lineId', 'stationId', 'type', 'productId', 'good', 'reject', 'text', 'extra'] as const;

/** A valid event's JSON with one field's value replaced by raw JSON text (deviceId stays: the broker closes a client that names another device). */
function withField(field: string, valueJson: string): string {
  const json = JSON.stringify(countEvent());
  return `${json.slice(0, -1)},"${field}":${valueJson}}`;
}

/** One malformed MQTT payload: bytes a hostile or broken client could send on its own station's topic. */
const malformed: fc.Arbitrary<Buffer> = fc.oneof(
  fc.tuple(fc.constantFrom(...fields), oddValue).map(([f, v]) => Buffer.from(`{"events":[${withField(f, v)}]}`)),
  // A nested `type`, and a type that is a valid one's name in an array.
  fc.integer({ min: 1, max: 12_000 }).map((d) => Buffer.from(`{"events":[${withField('type', `${'['.repeat(d)}"count"${']'.repeat(d)}`)}]}`)),
  // Invalid UTF-8 inside a string, and raw bytes.
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from(`{"events":[${withField('text', '"').slice(0, -1)}`), Buffer.from(bytes.map((b) => b | 0x80)), Buffer.from('"}]}')])),
  fc.uint8Array({ minLength: 0, maxLength: 2048 }).map((bytes) => Buffer.from(bytes)),
  // The batch itself wrong: nesting, types, sizes.
  oddValue.map((v) => Buffer.from(`{"events":${v}}`)),
  oddValue.map((v) => Buffer.from(`{"events":[${v}]}`)),
  oddValue.map((v) => Buffer.from(v)),
  fc.integer({ min: 501, max: 600 }).map((n) => Buffer.from(JSON.stringify({ events: Array.from({ length: n }, () => 0) }))),
  fc.constant(Buffer.from(JSON.stringify({ events: ['y'.repeat(270 * 1024)] }))),
  // Truncated JSON.
  fc.integer({ min: 1, max: 200 }).map((n) => Buffer.from(`{"events":[${JSON.stringify(countEvent())}]}`.slice(0, n))),
);

// Issue 11: a bounded fuzz of ingest on a real broker and the real service. Malformed messages
// interleaved with valid ones; every valid event must be stored once and acked, and the service
// must stay healthy. Fixed seed, so a failure reproduces.
describe.each<BrokerKind>(['embedded', 'mosquitto'])('ingest fuzz (%s broker)', (kind) => {
  let rig: IngestRig;
  beforeAll(async () => {
    rig = await startIngestRig(kind);
  });
  afterAll(async () => rig?.close());

  it(`stores and acks every valid event once among ${MALFORMED} malformed messages, and stays healthy`, async () => {
    const corpus = fc.sample(malformed, { numRuns: MALFORMED, seed: SEED });
    const valid: string[] = [];
    const sends: Promise<void>[] = [];
    for (const bad of corpus) {
      sends.push(publish(rig.tablet, topicA1, bad));
      const event = countEvent();
      valid.push(event.id as string);
      sends.push(publish(rig.tablet, topicA1, JSON.stringify({ events: [event] })));
      // In order on one connection, a few in flight at once (waiting for each PUBACK in turn makes the test far slower with Aedes).
      if (sends.length >= 16) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    await rig.waitAccepted(valid, 15_000);

    const stored = new Map<string, number>();
    for (const e of (await rig.service.storage.listEvents()).events) stored.set(e.event.id, (stored.get(e.event.id) ?? 0) + 1);
    expect(valid.filter((id) => stored.get(id) !== 1)).toEqual([]);
    // Most of the corpus is refused, each with a reason.
    const dead = await rig.service.storage.listDeadLetters(10 * MALFORMED);
    expect(dead.length).toBeGreaterThan(MALFORMED / 2);
    expect(dead.every((d) => d.message.length > 0 && d.message.length <= 4000)).toBe(true);
    const health = await rig.http('/healthz');
    expect(health.status).toBe(200);
  }, 60_000);
});
