import { describe, expect, it } from 'vitest';
import { applyReading, counterDelta, newCounterTrack, type CounterReading } from '../../../src/core/gateway/counter.ts';
import { machineEventId } from '../../../src/core/gateway/machine-event-id.ts';
import { eventIdSchema } from '../../../src/core/ids.schema.ts';

const run = (readings: CounterReading[], bits?: number) => readings.reduce((t, r) => applyReading(t, r, bits).track, newCounterTrack());
const at = (values: number[]) => values.map((value, i) => ({ value, sourceTs: 1000 + i }));

describe('machine counter semantics', () => {
  it('counts rises, takes the first reading as the baseline, and never counts a repeated value', () => {
    expect(run(at([500, 503, 503, 510])).total).toBe(10);
  });
  it('rolls over at the counter width', () => {
    expect(counterDelta(65_534, 2, 16)).toBe(4);
    expect(run(at([65_530, 65_535, 0, 3]), 16).total).toBe(9);
  });
  it('treats a drop as a reset, never negative: the new value is the parts since the reset', () => {
    expect(counterDelta(120, 4, 16)).toBe(4);
    expect(counterDelta(65_000, 4, undefined)).toBe(4);
    expect(run(at([100, 110, 0, 7])).total).toBe(17);
  });
  it('ignores a reading not newer than the last one applied (redelivery, out of order)', () => {
    const t = run([{ value: 10, sourceTs: 5 }, { value: 20, sourceTs: 6 }, { value: 15, sourceTs: 6 }, { value: 12, sourceTs: 4 }]);
    expect(t).toEqual({ raw: 20, sourceTs: 6, total: 10 });
  });
  it('ignores values that are no counter reading', () => {
    expect(run([{ value: 5, sourceTs: 1 }, { value: -3, sourceTs: 2 }, { value: 1.5, sourceTs: 3 }, { value: 8, sourceTs: 4 }]).total).toBe(3);
  });
});

describe('machine event ids', () => {
  it('are valid event ids, the same for the same change and different for another', () => {
    const a = machineEventId('gw-1', 'ns=1;s=State', 1_764_000_000_123);
    expect(eventIdSchema.safeParse(a).success).toBe(true);
    expect(machineEventId('gw-1', 'ns=1;s=State', 1_764_000_000_123)).toBe(a);
    expect(machineEventId('gw-1', 'ns=1;s=State', 1_764_000_000_124)).not.toBe(a);
    expect(machineEventId('gw-1', 'ns=1;s=Counter', 1_764_000_000_123)).not.toBe(a);
  });
});
