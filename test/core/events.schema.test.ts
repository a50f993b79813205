import { ulid } from 'ulid';
import { describe, expect, it } from 'vitest';
import {
  ackSchema, describeIssues, eventBatchSchema, eventIdSchema, eventSchema, MAX_BATCH_EVENTS, type EventPayload,
} from '../../src/core/index.ts';

const T = Date.UTC(2026, 2, 2, 7, 0);
const envelope = { v: 1, id: ulid(T), deviceId: 'tab-1', seq: 0, ts: T, author: 'op-1', lineId: 'l1', stationId: 's1' } as const;
const ev = (payload: Record<string, unknown>, over: Record<string, unknown> = {}) => ({ ...envelope, ...payload, ...over });
const issues = (value: unknown) => {
  const r = eventSchema.safeParse(value);
  return r.success ? [] : describeIssues(r.error);
};

const stopId = ulid(T);
const valid: EventPayload[] = [
  { type: 'stop.start', stopId },
  { type: 'stop.start', stopId, reasonId: 'tool' },
  { type: 'stop.end', stopId },
  { type: 'stop.classify', stopId, reasonId: 'tool' },
  { type: 'stop.split', stopId, at: T + 1000, newStopId: ulid(T + 1000), reasonId: 'jam' },
  { type: 'count', productId: 'p1', good: 10, reject: 0 },
  { type: 'count', productId: 'p1', good: 0, reject: 2, scrapReasonId: 'dimension' },
  { type: 'scrap', productId: 'p1', quantity: 5, reasonId: 'surface' },
  { type: 'changeover.start', toProductId: 'p2' },
  { type: 'changeover.end', productId: 'p2' },
  { type: 'note', text: 'Werkzeug getauscht' },
  { type: 'machine.state', state: 'fault', code: 'E-42' },
  { type: 'machine.counter', productId: 'p1', total: 1200, rejectTotal: 3 },
  { type: 'handover', scope: 'station', topics: ['material'], text: 'Coil 4 is the last one' },
  { type: 'handover', scope: 'line', topics: [], text: 'Press 2 drips oil' },
  { type: 'handover.ack', handoverId: ulid(T) },
  { type: 'correction', supersedes: ulid(T), reason: 'wrong reason', replacement: { type: 'stop.classify', stopId, reasonId: 'jam' } },
  { type: 'void', voids: ulid(T), reason: 'entered twice' },
];

describe('eventSchema', () => {
  it.each(valid.map((p) => [p.type, p] as const))('accepts a %s event and keeps every field', (_t, payload) => {
    const parsed = eventSchema.parse(ev(payload));
    expect(parsed).toEqual(ev(payload));
  });

  it('accepts ULID and UUIDv7 ids and refuses others', () => {
    expect(eventIdSchema.safeParse(ulid(T)).success).toBe(true);
    expect(eventIdSchema.safeParse('01890a5d-ac96-774b-bcce-b302099a8057').success).toBe(true);
    expect(eventIdSchema.safeParse('f47ac10b-58cc-4372-a567-0e02b2c3d479').success).toBe(false); // v4
    expect(eventIdSchema.safeParse(ulid(T).toLowerCase()).success).toBe(false);
    expect(eventIdSchema.safeParse('01HZX3J8Q4K5M6N7P8R9S0T1VU').success).toBe(false); // U is not Crockford
  });

  it.each([
    ['an unknown version', ev({ type: 'note', text: 'x' }, { v: 2 }), /^v: /],
    ['a negative seq', ev({ type: 'note', text: 'x' }, { seq: -1 }), /^seq: /],
    ['a fractional seq', ev({ type: 'note', text: 'x' }, { seq: 1.5 }), /^seq: /],
    ['a timestamp in seconds as text', ev({ type: 'note', text: 'x' }, { ts: '1772434800' }), /^ts: /],
    ['a line id with a wildcard', ev({ type: 'note', text: 'x' }, { lineId: 'l+' }), /^lineId: must be lower-case/],
    ['a count of nothing', ev({ type: 'count', productId: 'p1', good: 0, reject: 0 }), /^good: a count must have good or reject above zero/],
    ['a negative count', ev({ type: 'count', productId: 'p1', good: -1, reject: 0 }), /good: /],
    ['an empty note', ev({ type: 'note', text: '' }), /text: /],
    ['a handover that says nothing', ev({ type: 'handover', scope: 'station', topics: [], text: '  ' }), /^text: a handover needs a topic or some text/],
    ['a handover with an unknown topic', ev({ type: 'handover', scope: 'station', topics: ['weather'], text: 'x' }), /^topics\.0: /],
    ['an unknown machine state', ev({ type: 'machine.state', state: 'exploded' }), /.+/],
    ['a correction without a reason', ev({ type: 'correction', supersedes: ulid(T), replacement: { type: 'note', text: 'x' } }), /.+/],
    ['an unknown type, naming the allowed ones', ev({ type: 'teleport' }), /^type: .*'stop\.start'.*'count'.*'void'/],
    ['a count with a bad envelope, precisely', ev({ type: 'count', productId: 'p1', good: 1, reject: 0 }, { seq: -1 }), /^seq: /],
    ['a correction of a correction', ev({ type: 'correction', supersedes: ulid(T), reason: 'r', replacement: { type: 'void', voids: ulid(T), reason: 'r' } }), /.+/],
  ])('refuses %s', (_name, value, expected) => {
    expect(issues(value).join('\n')).toMatch(new RegExp(expected.source, 'm'));
  });

  it('limits a batch to MAX_BATCH_EVENTS and refuses an empty one', () => {
    expect(eventBatchSchema.safeParse({ events: [] }).success).toBe(false);
    expect(eventBatchSchema.safeParse({ events: Array(MAX_BATCH_EVENTS).fill({}) }).success).toBe(true);
    expect(eventBatchSchema.safeParse({ events: Array(MAX_BATCH_EVENTS + 1).fill({}) }).success).toBe(false);
  });

  it('parses an ack with accepted ids and reject codes', () => {
    const ack = { deviceId: 'tab-1', accepted: [ulid(T)], rejected: [{ index: 1, code: 'unknown-line', message: 'no line "x"' }], committedAt: T };
    expect(ackSchema.parse(ack)).toEqual(ack);
    expect(ackSchema.safeParse({ ...ack, rejected: [{ index: 'one', code: 'unknown-line', message: '' }] }).success).toBe(false);
  });
});

describe('ackSchema across versions', () => {
  it('keeps an ack whose reject code a newer service added, so the tablet still clears and shows those entries', () => {
    const ack = ackSchema.parse({
      deviceId: 'tab-1',
      accepted: [ulid(T)],
      rejected: [{ id: ulid(T + 1), index: 1, code: 'quota-exceeded', message: 'line l1 is closed for entries' }],
      committedAt: T,
    });
    expect(ack.accepted).toHaveLength(1);
    expect(ack.rejected[0]).toMatchObject({ code: 'other', message: 'line l1 is closed for entries' });
  });
});
