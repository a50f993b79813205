import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTopic, TOPIC_ROOT, topics, type ParsedTopic } from '../../src/core/index.ts';

const id = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,11}$/);

/** Minimal MQTT filter matching (`+` one level, `#` the rest), to check the ingest filters. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/** Builds the topic for any parsed shape, so the property test covers every kind. */
function build(p: ParsedTopic): string {
  switch (p.kind) {
    case 'events': return topics.events(p);
    case 'signals': return topics.signals(p);
    case 'station-status': return topics.stationStatus(p);
    case 'station-log': return topics.stationLog(p);
    case 'corrections': return topics.corrections(p);
    case 'line-status': return topics.lineStatus(p);
    case 'line-oee': return topics.lineOee(p);
    case 'line-report': return topics.lineReport(p);
    case 'line-andon': return topics.lineAndon(p);
    case 'line-andon-calls': return topics.lineAndonCalls(p);
    case 'area-oee': return topics.areaOee(p.site, p.area);
    case 'site-oee': return topics.siteOee(p.site);
    case 'ack': return topics.ack(p.site, p.deviceId);
    case 'dead-letter': return topics.deadLetter(p.site);
    case 'connector-health': return topics.connectorHealth(p.site, p.deviceId);
    case 'device-status': return topics.deviceStatus(p.site, p.deviceId);
    case 'site-card': return topics.siteCard(p.site);
  }
}

const parsedTopic: fc.Arbitrary<ParsedTopic> = fc.oneof(
  fc.record({ kind: fc.constantFrom('events' as const, 'signals' as const, 'station-status' as const, 'station-log' as const), site: id, area: id, line: id, station: id }),
  fc.record({ kind: fc.constantFrom('corrections' as const, 'line-status' as const, 'line-oee' as const, 'line-report' as const, 'line-andon' as const, 'line-andon-calls' as const), site: id, area: id, line: id }),
  fc.record({ kind: fc.constant('area-oee' as const), site: id, area: id }),
  fc.record({ kind: fc.constantFrom('site-oee' as const, 'dead-letter' as const, 'site-card' as const), site: id }),
  fc.record({ kind: fc.constantFrom('ack' as const, 'connector-health' as const, 'device-status' as const), site: id, deviceId: id }),
);

describe('topics', () => {
  it('builds the documented paths', () => {
    const p = { site: 'werk-nord', area: 'assembly', line: 'asm-1', station: 'asm-1-main' };
    expect(topics.events(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/station/asm-1-main/events');
    expect(topics.signals(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/station/asm-1-main/signals');
    expect(topics.corrections(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/corrections');
    expect(topics.lineStatus(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/status');
    expect(topics.stationStatus(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/station/asm-1-main/status');
    expect(topics.lineOee(p)).toBe('floorboard/v1/werk-nord/assembly/asm-1/oee');
    expect(topics.areaOee('werk-nord', 'assembly')).toBe('floorboard/v1/werk-nord/assembly/oee');
    expect(topics.siteOee('werk-nord')).toBe('floorboard/v1/werk-nord/oee');
    expect(topics.ack('werk-nord', 'tab-7')).toBe('floorboard/v1/werk-nord/_ack/tab-7');
    expect(topics.deadLetter('werk-nord')).toBe('floorboard/v1/werk-nord/_deadletter');
  });

  it('round-trips: parseTopic(build(x)) is x for every kind', () => {
    fc.assert(
      fc.property(parsedTopic, (p) => {
        expect(parseTopic(build(p))).toEqual(p);
      }),
      { numRuns: 500 },
    );
  });

  it('ingest filters match exactly the topics devices publish to', () => {
    fc.assert(
      fc.property(parsedTopic, (p) => {
        const isIngest = p.kind === 'events' || p.kind === 'signals' || p.kind === 'corrections';
        expect(topics.ingestFilters(p.site).some((f) => matches(f, build(p)))).toBe(isIngest);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a wildcard level', `${TOPIC_ROOT}/site/+/l1/status`],
    ['a multi-level wildcard', `${TOPIC_ROOT}/site/#`],
    ['a system topic', '$SYS/broker/clients'],
    ['a $ level', `${TOPIC_ROOT}/$site/a1/l1/status`],
    ['a space', `${TOPIC_ROOT}/site/a 1/l1/status`],
    ['upper case', `${TOPIC_ROOT}/Site/a1/l1/status`],
    ['an empty level', `${TOPIC_ROOT}/site//l1/status`],
    ['a trailing slash', `${TOPIC_ROOT}/site/a1/l1/status/`],
    ['an unknown leaf', `${TOPIC_ROOT}/site/a1/l1/secrets`],
    ['an extra level', `${TOPIC_ROOT}/site/a1/l1/station/s1/events/more`],
    ['a missing station keyword', `${TOPIC_ROOT}/site/a1/l1/cell/s1/events`],
    ['another version', 'floorboard/v2/site/a1/l1/status'],
    ['the root alone', TOPIC_ROOT],
    ['a wildcard device in an ack', `${TOPIC_ROOT}/site/_ack/+`],
  ])('parseTopic rejects %s', (_name, topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('never accepts a topic that contains a wildcard, $ or a space anywhere', () => {
    fc.assert(
      fc.property(parsedTopic, fc.constantFrom('+', '#', '$', ' ', 'A'), fc.nat(), (p, bad, at) => {
        const topic = build(p);
        const positions = [...topic.matchAll(/[a-z0-9]/g)].map((m) => m.index).filter((i) => i > TOPIC_ROOT.length);
        const i = positions[at % positions.length]!;
        expect(parseTopic(topic.slice(0, i) + bad + topic.slice(i + 1))).toBeNull();
      }),
      { numRuns: 500 },
    );
  });
});
