import { describe, expect, it } from 'vitest';
import { FloorboardError, hasErrorCode } from '../../src/core/errors.ts';
import { OutboxState } from '../../src/core/outbox/outbox-state.ts';
import type { FloorEvent } from '../../src/core/events.schema.ts';
import { shiftInstances } from '../../src/core/oee/calendar.ts';
import { buildShiftReport } from '../../src/core/report/shift-report.ts';
import { H, MONDAY, makePlant } from './oee/fixtures.ts';

describe('one error type: a code from the closed set, and data where the code carries some', () => {
  it('tells codes apart and hands a refusal its end', () => {
    const locked = new FloorboardError('locked-out', 'locked', { data: { until: 5000 } });
    expect(hasErrorCode(locked, 'locked-out', 'slowed-down')).toBe(true);
    expect(hasErrorCode(locked, 'unauthorized')).toBe(false);
    expect(hasErrorCode(new Error('plain'), 'internal')).toBe(false);
    expect(locked.data).toEqual({ until: 5000 });
    expect(new FloorboardError('not-found', 'gone').data).toBeUndefined();
  });

  it('the shift report of a line the plant does not have is not-found', () => {
    const plant = makePlant();
    const shift = shiftInstances(plant.calendar, MONDAY + 6 * H, MONDAY + 14 * H)[0]!;
    expect(() => buildShiftReport({ plant, events: [], lineId: 'l9', shift, now: MONDAY + 15 * H })).toThrow(expect.objectContaining({ code: 'not-found', message: 'unknown line "l9"' }));
  });

  it('the outbox refuses a batch id still in flight as an internal error (a sync engine bug)', () => {
    const outbox = new OutboxState();
    const note: FloorEvent = { v: 1, id: '0'.repeat(26), deviceId: 'tab-1', seq: 1, ts: 1000, author: 'op-1', lineId: 'l1', stationId: 's1', type: 'note', text: 'n' };
    outbox.add(note);
    expect(outbox.takeBatch('b1', 2000, 5)).not.toBeNull();
    expect(() => outbox.takeBatch('b1', 2001, 5)).toThrow(expect.objectContaining({ code: 'internal' }));
  });
});
