import { describe, expect, it } from 'vitest';
import { decodeLive } from '../../../src/app/services/live-decoder.ts';
import { topics } from '../../../src/core/topics.ts';

const line = { site: 'test-site', area: 'assembly', line: 'line-a' };
const status = {
  v: 1, siteId: 'test-site', areaId: 'assembly', lineId: 'line-a', state: 'stopped', since: 1_000, stopId: null, reasonId: null,
  isAwaitingReason: true, productId: null, shiftId: null, operatorId: null, updatedAt: 2_000,
};

describe('the live decoder the tablet and the dashboards share', () => {
  it("parses a line's status with the core schema and names its line", () => {
    expect(decodeLive(topics.lineStatus(line), JSON.stringify(status))).toEqual({ kind: 'line-status', line, status });
  });

  it("parses a line's andon state with core's schema; a call with an unknown kind is refused, not shown", () => {
    const call = {
      id: '01J0000000000000000000000A', lineId: 'line-a', stationId: 'a1', areaId: 'assembly', kind: 'maintenance', trigger: 'stop', ruleId: 'stop-long', cause: 'stop|stop-long|s1',
      stopId: 's1', reasonId: null, note: null, author: 'floorboard', authorName: 'Floorboard', raisedAt: 1_000, level: 2, levels: [{ level: 1, at: 1_000 }, { level: 2, at: 5_000 }],
      ack: { by: 'lead-a', name: 'Lea Lead', from: 'board', at: 6_000 }, resolved: null, toAcknowledgeMs: 5_000, toResolveMs: null, isLate: false, notify: ['lead'], acknowledgedBy: ['lead'],
    };
    const andon = { v: 1, lineId: 'line-a', at: 6_000, calls: [call] };
    expect(decodeLive(topics.lineAndon(line), JSON.stringify(andon))).toEqual({ kind: 'andon', line, andon });
    expect(decodeLive(topics.lineAndon(line), JSON.stringify({ ...andon, calls: [{ ...call, kind: 'coffee' }] }))).toMatchObject({ kind: 'invalid', message: expect.stringContaining('kind') });
    // The stream of changes is for other systems: screens read the retained state only.
    expect(decodeLive(topics.lineAndonCalls(line), '{}')).toBeNull();
  });

  it('says which field of a live message is wrong, and that a non-JSON one is not JSON', () => {
    expect(decodeLive(topics.lineStatus(line), JSON.stringify({ ...status, state: 'dancing' }))).toMatchObject({ kind: 'invalid', message: expect.stringContaining('state') });
    expect(decodeLive(topics.lineOee(line), '{oops')).toEqual({ kind: 'invalid', topic: topics.lineOee(line), message: 'not JSON' });
    expect(decodeLive(topics.stationStatus({ ...line, station: 'a1' }), 'null')).toMatchObject({ kind: 'invalid' });
  });

  it('leaves topics that are not live ones (acks, events) to others', () => {
    expect(decodeLive(topics.ack('test-site', 'tab-1'), '{}')).toBeNull();
    expect(decodeLive(topics.events({ ...line, station: 'a1' }), '{}')).toBeNull();
  });
});
