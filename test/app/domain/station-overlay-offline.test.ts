import { describe, expect, it } from 'vitest';
import { overlayStation } from '../../../src/app/domain/station-overlay.ts';
import { stationStatusSchema, type StationStatus } from '../../../src/core/live.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { EventMaker, H, makePlant, MIN, MONDAY } from '../../core/oee/fixtures.ts';

// A line whose gateway is silent, for the service, after a minute without a signal.
const plant = makePlant({ heartbeatTimeoutSec: 60 });
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 7 * H;
const gw = { lineId: 'l1', stationId: 's1', deviceId: 'gw-l1' };
const tab = { lineId: 'l1', stationId: 's1', deviceId: 'tab-me' };

/** The machine running from T0, a heartbeat every 10 s until `until`, and what the service published at `at`. */
function serviceStatus(m: EventMaker, until: number, at: number): StationStatus {
  const signals = [m.ev(T0, { type: 'machine.state', state: 'running' }, gw)];
  for (let t = T0 + 10_000; t <= until; t += 10_000) signals.push(m.ev(t, { type: 'machine.heartbeat' }, gw));
  return stationStatusSchema.parse(JSON.parse(JSON.stringify(foldStationStates(plant, l1, signals, at).stations[0])));
}

describe('a tablet offline for longer than its line’s heartbeat timeout', () => {
  it("shows the operator's own open stop as Stopped, never 'No data' from its own missing network", () => {
    const m = new EventMaker();
    // Online until T0 + 10 min: the service's last status, the machine running and heard.
    const status = serviceStatus(m, T0 + 10 * MIN, T0 + 10 * MIN);
    expect(status.state).toBe('running');
    // Offline since: the operator stops the station; five minutes on the tablet hears no signal.
    const stop = m.ev(T0 + 11 * MIN, { type: 'stop.start', stopId: '01JSTOPOFFLINE000000000000' }, tab);
    for (const now of [T0 + 11 * MIN + 5000, T0 + 15 * MIN, T0 + 2 * H]) {
      const view = overlayStation({ plant, indexed: l1, status, waiting: [stop], now });
      expect(view.status.state).toBe('stopped');
      expect(view.status.since).toBe(stop.ts);
      expect(view.status.stop?.stopId).toBe('01JSTOPOFFLINE000000000000');
      // Nor does the time it did not hear count as no-data time against the target.
      expect(view.status.target).toBeGreaterThanOrEqual(status.target!);
    }
    // Without entries of its own waiting, it is the last status as it came (shown with its age).
    expect(overlayStation({ plant, indexed: l1, status, waiting: [], now: T0 + H }).status.state).toBe('running');
  });

  it("still shows 'No data' where the service said the machine had gone silent before the tablet went offline", () => {
    const m = new EventMaker();
    const status = serviceStatus(m, T0 + 10 * MIN, T0 + 12 * MIN);
    expect(status.state).toBe('no-data');
    const stop = m.ev(T0 + 13 * MIN, { type: 'stop.start', stopId: '01JSTOPOFFLINE000000000000' }, tab);
    const view = overlayStation({ plant, indexed: l1, status, waiting: [stop], now: T0 + 20 * MIN });
    expect(view.status.state).toBe('no-data');
    expect(view.status.stop?.stopId).toBe('01JSTOPOFFLINE000000000000');
  });
});
