import { shiftInstances, type ShiftInstance } from '../../core/oee/calendar.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import type { Plant } from '../../core/plant.schema.ts';
import { buildShiftReport, WINDOW_SHIFT_ID, type ShiftReport } from '../../core/report/shift-report.ts';
import { eventsWithState } from '../history/bucket-history.ts';
import { LOOKBACK_MS } from '../history/hourly-buckets.ts';
import type { Storage } from '../storage/storage.ts';

/**
 * The shift of the calendar that starts at `from` and ends at `to`; any other window is reported as
 * a window of its own (shift id "window"), with the same figures the dashboards show for it.
 */
export function shiftOf(plant: Plant, from: number, to: number): ShiftInstance {
  return shiftInstances(plant.calendar, from, to).find((s) => s.start === from && s.end === to) ?? { shiftId: WINDOW_SHIFT_ID, start: from, end: to, breaks: [] };
}

/** Reads a line's events around the shift (a day before it, up to `now`) and builds its report. */
export async function makeShiftReport(deps: { storage: Storage; plant: Plant; now: number; monitoring?: Monitoring }, lineId: string, shift: ShiftInstance): Promise<ShiftReport> {
  const events = await eventsWithState(deps.storage, [lineId], shift.start - LOOKBACK_MS, Math.max(deps.now, shift.end) + 1);
  return buildShiftReport({ plant: deps.plant, events, lineId, shift, now: deps.now, ...(deps.monitoring ? { monitoring: deps.monitoring } : {}) });
}
