import { describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { correctionEvents, describeCorrection, type StopTarget } from '../../../src/app/dashboard/services/correction-events.ts';
import { parseTopic } from '../../../src/core/topics.ts';

const stopId = ulid(1_000);
const classifyId = ulid(1_100);
const line = { site: 'test-site', area: 'assembly', line: 'line-a' };
const unclassified: StopTarget = { id: stopId, stationId: 'a2', originEventId: stopId, reasonEvent: null };
const classified: StopTarget = { ...unclassified, reasonEvent: { id: classifyId, type: 'stop.classify', author: 'op-a', ts: 1_100, payload: { type: 'stop.classify', stopId, reasonId: 'jam' } } };
const ctx = (stop: StopTarget) => ({ line, stop, deviceId: 'dash-01', author: 'lead-a', seq: 7, now: 2_000_000, newId: () => ulid(2_000_000) });

describe('correctionEvents', () => {
  it('reclassifies with a correction superseding the reason event, on the line corrections topic', () => {
    const { topic, events } = correctionEvents({ kind: 'reclassify', stopId, reasonId: 'setup', why: 'tool change' }, ctx(classified));
    expect(parseTopic(topic)).toEqual({ kind: 'corrections', ...line });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'correction',
      supersedes: classifyId,
      reason: 'tool change',
      replacement: { type: 'stop.classify', stopId, reasonId: 'setup' },
      author: 'lead-a',
      deviceId: 'dash-01',
      seq: 7,
      ts: 2_000_000,
      lineId: 'line-a',
      stationId: 'a2',
    });
  });

  it('classifies a stop without a reason event by the lead on its station, with the why as a note', () => {
    const { topic, events } = correctionEvents({ kind: 'reclassify', stopId, reasonId: 'setup', why: 'tool change' }, ctx(unclassified));
    expect(parseTopic(topic)).toEqual({ kind: 'events', ...line, station: 'a2' });
    expect(events.map((e) => e.type)).toEqual(['stop.classify', 'note']);
    expect(events[0]).toMatchObject({ stopId, reasonId: 'setup', seq: 7 });
    expect(events[1]).toMatchObject({ seq: 8, text: `reclassify ${stopId}: tool change` });
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
  });

  it('splits a stop into a new stop id with the second reason', () => {
    const { events } = correctionEvents({ kind: 'split', stopId, at: 1_500_000, reasonId: 'jam', why: 'two causes' }, ctx(classified));
    expect(events[0]).toMatchObject({ type: 'stop.split', stopId, at: 1_500_000, reasonId: 'jam' });
    expect(events[0]!.type === 'stop.split' && events[0]!.newStopId).not.toBe(stopId);
  });

  it('voids the event that opened the stop on the line corrections topic with its reason (the raw entry stays)', () => {
    const origin = ulid(900);
    const { topic, events } = correctionEvents({ kind: 'void', stopId, why: 'test run, not production' }, ctx({ ...unclassified, originEventId: origin }));
    expect(parseTopic(topic)).toEqual({ kind: 'corrections', ...line });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'void', voids: origin, reason: 'test run, not production' });
    expect(describeCorrection({ kind: 'void', stopId, why: 'x' }, String)).toBe(`void ${stopId}`);
  });

  it('refuses a change without a why or with an unknown stop id shape', () => {
    expect(() => correctionEvents({ kind: 'void', stopId, why: '' }, ctx(unclassified))).toThrow();
    expect(() => correctionEvents({ kind: 'reclassify', stopId: 'not-an-id', reasonId: 'x', why: 'y' }, ctx({ ...unclassified, id: 'not-an-id' }))).toThrow();
  });
});
