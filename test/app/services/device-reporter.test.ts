import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deviceReportSchema } from '../../../src/core/contracts/devices.ts';
import { DeviceReporter } from '../../../src/app/services/device-reporter.ts';

describe('the tablet report for the device list', () => {
  let sent: { topic: string; payload: string }[];
  let counts: { waiting: number; rejected: number };
  let countings: number;
  const link = { publish: async (topic: string, payload: string) => void sent.push({ topic, payload }), end: () => {} };
  const make = () =>
    new DeviceReporter({ topic: 'floorboard/v1/s/_device/tab-1', deviceId: 'tab-1', appVersion: '1.0.0', stationId: 'a1', counts: () => (countings++, counts), now: () => Date.now() });

  beforeEach(() => {
    vi.useFakeTimers();
    [sent, counts, countings] = [[], { waiting: 0, rejected: 0 }, 0];
  });
  afterEach(() => vi.useRealTimers());

  it('reports on connect, once 2 s after a burst of taps (counting only then), and every minute', () => {
    const r = make();
    r.connected(link);
    expect(sent).toHaveLength(1);
    expect(deviceReportSchema.parse(JSON.parse(sent[0]!.payload))).toMatchObject({ deviceId: 'tab-1', appVersion: '1.0.0', waiting: 0, stationId: 'a1' });
    countings = 0;
    for (let i = 1; i <= 30; i++) {
      counts = { waiting: i, rejected: 0 };
      r.changed(i);
    }
    expect(countings).toBe(0);
    vi.advanceTimersByTime(1999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent).toHaveLength(2);
    expect(JSON.parse(sent[1]!.payload)).toMatchObject({ waiting: 30 });
    // Unchanged since the last report: nothing to say.
    r.changed(30);
    vi.advanceTimersByTime(5000);
    expect(sent).toHaveLength(2);
    vi.advanceTimersByTime(60_000);
    expect(sent).toHaveLength(3);
    r.stop();
  });

  it('says nothing while disconnected, and again on the next connect', () => {
    const r = make();
    r.connected(link);
    r.lost();
    counts = { waiting: 4, rejected: 1 };
    r.changed(5);
    vi.advanceTimersByTime(120_000);
    expect(sent).toHaveLength(1);
    r.connected(link);
    expect(JSON.parse(sent.at(-1)!.payload)).toMatchObject({ waiting: 4, rejected: 1 });
    r.stop();
  });
});
