import { describe, expect, it } from 'vitest';
import type { FloorEvent } from '../../../src/core/index.ts';
import { compareEvents } from '../../../src/core/oee/normalize.ts';
import { RecentEvents } from '../../../src/server/history/recent-events.ts';
import { eventFixture } from '../../helpers/event-fixture.ts';

const T0 = Date.UTC(2026, 10, 23, 6);

describe('RecentEvents (the bucket writer window)', () => {
  it('gives a line its events in engine order when tablets sync the same hours one after the other', () => {
    const window = new RecentEvents(T0);
    const tablets = [0, 1, 2].map((i) => eventFixture({ deviceId: `tab-${i}`, author: 'op-1', lineId: 'l1', stationId: 's1' }));
    const all: FloorEvent[] = [];
    // Each tablet sends the same 30 minutes in turn: every tablet after the first arrives out of order.
    for (const tablet of tablets)
      for (let m = 0; m < 30; m++) {
        const e = tablet.at(T0 + m * 60_000, { type: 'count', productId: 'p1', good: 1, reject: 0 });
        all.push(e);
        window.add(e);
      }
    const edit = tablets[0]!.at(T0 + 5 * 60_000, { type: 'void', voids: all[3]!.id, reason: 'typo' });
    window.add(edit);

    const got = window.slice('l1', T0, T0 + 3_600_000);
    expect(got).toHaveLength(all.length + 1);
    const own = got.filter((e) => e.type !== 'void');
    expect(own.map((e) => e.id)).toEqual([...all].sort(compareEvents).map((e) => e.id));
    expect(got.at(-1)!.id).toBe(edit.id);
    // Trimming works on the sorted list: the first 10 minutes of every tablet go, nothing else.
    window.trim(T0 + 10 * 60_000);
    expect(window.slice('l1', T0, T0 + 3_600_000).filter((e) => e.type === 'count')).toHaveLength(3 * 20);
    expect(window.count).toBe(3 * 20);
  });
});
