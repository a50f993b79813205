import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { correctionEvents, describeCorrection } from '../../../src/app/dashboard/services/correction-events.ts';
import { parseTopic } from '../../../src/core/topics.ts';

const stopId = ulid(1_000);
const ctx = { line: { site: 'test-site', area: 'assembly', line: 'line-a', stationId: 'a1' }, deviceId: 'dash-01', author: 'lead-a', seq: 7, now: 2_000_000, newId: () => ulid(2_000_000) };

describe('correctionEvents', () => {
  it('reclassifies with a newer classify by the lead plus the why, on the station events topic', () => {
    const { topic, events } = correctionEvents({ kind: 'reclassify', stopId, reasonId: 'setup', why: 'tool change' }, ctx);
    expect(parseTopic(topic)).toEqual({ kind: 'events', site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' });
    expect(events.map((e) => e.type)).toEqual(['stop.classify', 'note']);
    expect(events[0]).toMatchObject({ stopId, reasonId: 'setup', author: 'lead-a', deviceId: 'dash-01', seq: 7, ts: 2_000_000, lineId: 'line-a', stationId: 'a1' });
    expect(events[1]).toMatchObject({ seq: 8, text: `reclassify ${stopId}: tool change` });
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('splits a stop into a new stop id with the second reason', () => {
    const { events } = correctionEvents({ kind: 'split', stopId, at: 1_500_000, reasonId: 'jam', why: 'two causes' }, ctx);
    expect(events[0]).toMatchObject({ type: 'stop.split', stopId, at: 1_500_000, reasonId: 'jam' });
    expect(events[0]!.type === 'stop.split' && events[0]!.newStopId).not.toBe(stopId);
  });

  it('voids on the line corrections topic with its reason (the raw entry stays)', () => {
    const { topic, events } = correctionEvents({ kind: 'void', stopId, why: 'test run, not production' }, ctx);
    expect(parseTopic(topic)).toEqual({ kind: 'corrections', site: 'test-site', area: 'assembly', line: 'line-a' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'void', voids: stopId, reason: 'test run, not production' });
    expect(describeCorrection({ kind: 'void', stopId, why: 'x' }, String)).toBe(`void ${stopId}`);
  });

  it('refuses a change without a why or with an unknown stop id shape', () => {
    expect(() => correctionEvents({ kind: 'void', stopId, why: '' }, ctx)).toThrow();
    expect(() => correctionEvents({ kind: 'reclassify', stopId: 'not-an-id', reasonId: 'x', why: 'y' }, ctx)).toThrow();
  });
});
