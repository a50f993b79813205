import { describe, expect, it } from 'vitest';
import type { Calendar } from '../../../src/core/plant.schema.ts';
import { windowLabel } from '../../../src/app/dashboard/services/shift-labels.ts';
import { allStops, filterStops, NO_REASON, reasonFilterGroups } from '../../../src/app/dashboard/services/stop-filter.ts';
import { isNoOpChange } from '../../../src/app/dashboard/services/correction-events.ts';
import type { StopView } from '../../../src/core/contracts/history.ts';

const calendar: Calendar = {
  timezone: 'Europe/Berlin',
  shifts: [{ id: 'early', name: 'Früh', days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '06:00', end: '14:00', breaks: [] }],
  exceptions: [{ kind: 'extra', date: '2026-11-28', name: 'Samstagsschicht', shift: { id: 'sat-extra', name: 'Extra', start: '11:00', end: '15:00', breaks: [] } }],
};

describe('shift picker labels', () => {
  it('names an extra shift and writes its date and times in the viewer\'s language', () => {
    const from = Date.UTC(2026, 10, 28, 10, 0); // 11:00 in Berlin
    const to = Date.UTC(2026, 10, 28, 14, 0);
    expect(windowLabel(calendar, 'de', { from, to }, 'Zusatzschicht')).toBe('28.11.2026 Samstagsschicht 11:00–15:00');
    expect(windowLabel(calendar, 'en', { from, to }, 'Extra shift')).toMatch(/^11\/28\/2026 Samstagsschicht 11:00\sAM–3:00\sPM$/);
  });

  it('names a weekly shift by the plan', () => {
    const from = Date.UTC(2026, 11, 4, 5, 0);
    expect(windowLabel(calendar, 'de', { from, to: from + 8 * 3_600_000 }, 'Zusatzschicht')).toBe('04.12.2026 Früh 06:00–14:00');
  });
});

const stop = (over: Partial<StopView>): StopView => ({
  id: 's', start: 0, end: 60_000, reasonId: null, loss: 'breakdown', isOpen: false, durationMs: 60_000, stationId: 'a1', source: 'operator', originEventId: 's', reasonEvent: null, ...over,
});

describe('stop list filter', () => {
  const stops = [
    stop({ id: 'jam', start: 1, stationId: 'a1', reasonId: 'jam' }),
    stop({ id: 'none', start: 2, stationId: 'a2' }),
    stop({ id: 'setup', start: 3, stationId: 'a2', reasonId: 'changeover', loss: 'setup' }),
  ];
  const categoryOf = (id: string) => ({ jam: 'breakdown', changeover: 'setup' })[id];
  const ids = (f: typeof allStops) => filterStops(stops, f, categoryOf).map((s) => s.id);

  it('narrows by station, by a category with its reasons, and to stops still without a reason', () => {
    expect(ids(allStops)).toEqual(['none', 'setup', 'jam']);
    expect(ids({ stationId: 'a2', reasonId: '' })).toEqual(['none', 'setup']);
    expect(ids({ stationId: '', reasonId: 'breakdown' })).toEqual(['jam']);
    expect(ids({ stationId: '', reasonId: NO_REASON })).toEqual(['none']);
    expect(ids({ stationId: 'a1', reasonId: NO_REASON })).toEqual([]);
  });
});

describe('no-op correction in the lead view', () => {
  const classified = { id: 'c', stationId: 'a1', originEventId: 'c', reasonEvent: { id: 'c', type: 'stop.classify' as const, author: 'op', ts: 0, payload: { type: 'stop.classify' as const, stopId: 's', reasonId: 'jam' } } };
  it('is the same reason again, never a real change or a first reason', () => {
    expect(isNoOpChange({ kind: 'reclassify', stopId: 's', reasonId: 'jam', why: 'x' }, classified)).toBe(true);
    expect(isNoOpChange({ kind: 'reclassify', stopId: 's', reasonId: 'setup', why: 'x' }, classified)).toBe(false);
    expect(isNoOpChange({ kind: 'reclassify', stopId: 's', reasonId: 'jam', why: 'x' }, { ...classified, reasonEvent: null })).toBe(false);
  });
});

describe('stop list reason filter choices', () => {
  const reasons = [
    { id: 'material', label: 'Material', loss: 'breakdown', children: [{ id: 'material-missing', label: 'Material missing', loss: 'breakdown' }] },
    { id: 'speed', label: 'Reduced speed', loss: 'reduced-speed', children: [{ id: 'speed-warmup', label: 'Warm-up', loss: 'reduced-speed' }] },
    { id: 'scrap', label: 'Quality', loss: 'process-defect', children: [] },
  ] as unknown as Parameters<typeof reasonFilterGroups>[0];
  it('offers every reason, speed and quality too, one group per category, the category first', () => {
    const groups = reasonFilterGroups(reasons, (r) => r.label, (c) => `${c} (all)`);
    expect(groups).toEqual([
      { label: 'Material', options: [{ id: 'material', label: 'Material (all)' }, { id: 'material-missing', label: 'Material › Material missing' }] },
      { label: 'Reduced speed', options: [{ id: 'speed', label: 'Reduced speed (all)' }, { id: 'speed-warmup', label: 'Reduced speed › Warm-up' }] },
      { label: 'Quality', options: [{ id: 'scrap', label: 'Quality' }] },
    ]);
  });
});
