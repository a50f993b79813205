import { describe, expect, it } from 'vitest';
import type { User } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { stopReasons } from '../../../src/core/stop-reasons.ts';
import { checkEvent } from '../../../src/server/ingest/event-checks.ts';
import { EventMaker, H, makePlant, MONDAY } from '../../core/oee/fixtures.ts';

const base = makePlant();
const plant = {
  ...base,
  reasons: [
    ...base.reasons,
    { id: 'speed', label: 'Reduced speed', labels: {}, loss: 'reduced-speed' as const, children: [{ id: 'run-in', label: 'Running in', labels: {}, loss: 'reduced-speed' as const }] },
    { id: 'quality', label: 'Quality', labels: {}, loss: 'process-defect' as const, children: [] },
  ],
};
const index = indexPlant(plant);
const operator = { id: 'op1', name: 'Op', role: 'operator', badge: 'b', pinHash: 'x', stations: ['s1'] } as unknown as User;
const users = new Map([[operator.id, operator]]);
const topic = { kind: 'events' as const, site: plant.site.id, area: 'a1', line: 'l1', station: 's1' };
const at = { lineId: 'l1', stationId: 's1', author: 'op1' };

describe('a reason that is not a stop loss', () => {
  const m = new EventMaker();
  const stop = m.ev(MONDAY + 7 * H, { type: 'stop.start', stopId: 'x' }, at);

  it('is refused on a stop, with the loss it is booked to', () => {
    const classify = m.ev(MONDAY + 7 * H + 1000, { type: 'stop.classify', stopId: stop.id, reasonId: 'run-in' }, at);
    expect(checkEvent(classify, topic, index, users)).toEqual({ code: 'unknown-reason', message: 'reason "run-in" is booked to reduced-speed, not a stop loss: it cannot classify a stop' });
    const started = m.ev(MONDAY + 7 * H + 2000, { type: 'stop.start', stopId: 'y', reasonId: 'quality' }, at);
    expect(checkEvent(started, topic, index, users)?.message).toContain('booked to process-defect');
  });

  it('still names a stop loss reason or a scrap', () => {
    expect(checkEvent(m.ev(MONDAY + 7 * H + 3000, { type: 'stop.classify', stopId: stop.id, reasonId: 'jam' }, at), topic, index, users)).toBeNull();
    expect(checkEvent(m.ev(MONDAY + 7 * H + 4000, { type: 'scrap', productId: 'p1', quantity: 1, reasonId: 'quality' }, at), topic, index, users)).toBeNull();
  });

  it('is not offered for a stop', () => {
    expect(stopReasons(plant.reasons).map((r) => r.id)).toEqual(['mech', 'setup', 'planned', 'small']);
  });
});
