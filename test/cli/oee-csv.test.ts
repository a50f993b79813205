import { describe, expect, it } from 'vitest';
import { csvField } from '../../src/core/oee/report-csv.ts';
import { describeEventProblems } from '../../src/core/event-issues.ts';

describe('csvField (RFC 4180)', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['cr\r', '"cr\r"'],
  ])('%j -> %j', (input, expected) => expect(csvField(input)).toBe(expected));
});

describe('describeEventProblems', () => {
  const base = { v: 1, id: '01JNJ5V1M0AAAAAAAAAAAAAAAA', deviceId: 'tab-1', seq: 0, ts: 1, author: 'op', lineId: 'l1', stationId: 's1' };
  it('names the field instead of the union\'s "Invalid input"', () => {
    expect(describeEventProblems({ ...base, type: 'note' })).toEqual(['text: Invalid input: expected string, received undefined']);
    expect(describeEventProblems({ ...base, id: 'x', type: 'note', text: 'a' })).toEqual(['id: must be a ULID or UUIDv7']);
    expect(describeEventProblems({ ...base, type: 'void', voids: 'x', reason: 'r' })).toEqual(['voids: must be a ULID or UUIDv7']);
    expect(describeEventProblems({ ...base, type: 'correction', supersedes: base.id, reason: 'r', replacement: { type: 'note' } })).toEqual([
      'replacement.text: Invalid input: expected string, received undefined',
    ]);
  });
  it('reports a missing or unknown type, and non-objects', () => {
    expect(describeEventProblems({ ...base })[0]).toMatch(/^type: is missing; expected one of stop\.start, .*, correction, void$/);
    expect(describeEventProblems({ ...base, type: 'teleport' })[0]).toMatch(/^type: unknown event type "teleport"/);
    expect(describeEventProblems([1])).toEqual(['(root): must be a JSON object']);
    expect(describeEventProblems(null)).toEqual(['(root): must be a JSON object']);
  });
  it('reports envelope and payload problems together', () => {
    expect(describeEventProblems({ ...base, seq: -1, type: 'count', productId: 'p', good: 0, reject: 0 })).toEqual([
      'seq: Too small: expected number to be >=0',
      'good: a count must have good or reject above zero',
    ]);
  });
});
