import { describe, expect, it } from 'vitest';
import { overlayStation } from '../../../src/app/domain/station-overlay.ts';
import { stationStatusSchema } from '../../../src/core/live.schema.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { foldStationStates } from '../../../src/core/station-state/index.ts';
import { SeqTracker } from '../../../src/core/station-state/seen-seqs.ts';
import { EventMaker, H, makePlant, MIN, MONDAY } from '../../core/oee/fixtures.ts';

const plant = makePlant();
const l1 = indexPlant(plant).lines.get('l1')!;
const T0 = MONDAY + 6 * H;
const tab = { lineId: 'l1', stationId: 's1', deviceId: 'tab-me' };

describe('a station status that already includes some of the tablet’s waiting entries', () => {
  // The moment between a new status and the ack of the entries it includes.
  const m = new EventMaker();
  const other = m.ev(T0 + MIN, { type: 'count', productId: 'p1', good: 10, reject: 0 }, { ...tab, deviceId: 'tab-other' });
  const mine = [1, 2, 3].map((k) => m.ev(T0 + (k + 1) * MIN, { type: 'count', productId: 'p1', good: 5, reject: 0 }, tab));
  const now = T0 + 10 * MIN;

  it('counts an included entry once, and still lays on the ones it does not include', () => {
    // The service has the first two of the tablet's three entries.
    const status = stationStatusSchema.parse(JSON.parse(JSON.stringify(foldStationStates(plant, l1, [other, mine[0]!, mine[1]!], now).stations[0])));
    expect(status.good).toBe(20);
    expect(status.seen?.['tab-me']).toEqual({ upTo: 1, above: [] });
    const view = overlayStation({ plant, indexed: l1, status, waiting: mine, now });
    expect(view.status.good).toBe(25);
    expect(view.hasWaiting).toBe(true);
    const allIn = foldStationStates(plant, l1, [other, ...mine], now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: allIn, waiting: mine, now })).toEqual({ status: allIn, hasWaiting: false });
  });

  it('counts an entry included above a gap once (seq 2 arrived, seq 1 not yet)', () => {
    const status = foldStationStates(plant, l1, [other, mine[0]!, mine[2]!], now).stations[0]!;
    expect(status.seen?.['tab-me']).toEqual({ upTo: 0, above: [2] });
    expect(overlayStation({ plant, indexed: l1, status, waiting: mine, now }).status.good).toBe(25);
  });

  it('still lays every waiting entry on a status of an older service (no `seen`)', () => {
    const { seen: _seen, ...older } = foldStationStates(plant, l1, [other], now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: stationStatusSchema.parse(older), waiting: mine, now }).status.good).toBe(25);
  });
});

describe('a status that does not include an entry the service has already acknowledged', () => {
  // The moment between an entry's ack and the status that brings it, or for good when the service
  // went down in between and the tablet was reloaded: the count must not vanish from the screen.
  const m = new EventMaker();
  const mine = [1, 2, 3].map((k) => m.ev(T0 + (k + 1) * MIN, { type: 'count', productId: 'p1', good: 5, reject: 0 }, tab));
  const now = T0 + 10 * MIN;

  it('lays an acknowledged entry the status does not have on it, and says nothing is waiting', () => {
    const status = foldStationStates(plant, l1, [mine[0]!], now).stations[0]!;
    expect(status.good).toBe(5);
    const view = overlayStation({ plant, indexed: l1, status, waiting: [], now, own: mine });
    expect(view.status.good).toBe(15);
    expect(view.hasWaiting).toBe(false);
    // One acknowledged, one still waiting: each once.
    expect(overlayStation({ plant, indexed: l1, status, waiting: [mine[2]!], now, own: mine })).toMatchObject({ status: { good: 15 }, hasWaiting: true });
    // A status that has seen none of this tablet's entries yet.
    const before = foldStationStates(plant, l1, [], now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: stationStatusSchema.parse(JSON.parse(JSON.stringify(before))), waiting: [], now, own: mine }).status.good).toBe(15);
  });

  it('reads the clock only when it lays something on (with nothing, the tablet\'s screen does not follow every tick)', () => {
    let reads = 0;
    const clock = () => (reads++, now);
    const all = foldStationStates(plant, l1, mine, now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: all, waiting: [], now: clock, own: mine }).status).toBe(all);
    expect(reads).toBe(0);
    const first = foldStationStates(plant, l1, [mine[0]!], now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: first, waiting: [mine[2]!], now: clock, own: mine }).status.good).toBe(15);
    expect(reads).toBe(1);
  });

  it('never counts an acknowledged entry twice: once in the status, or when the status cannot say', () => {
    const all = foldStationStates(plant, l1, mine, now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: all, waiting: [], now, own: mine })).toEqual({ status: all, hasWaiting: false });
    // Above a gap `seen` names at most 8 seqs: an entry above them may be in the status.
    const g = new EventMaker();
    const gapped = [0, ...Array.from({ length: 9 }, (_, i) => i + 2)].map((seq) => ({ ...g.ev(T0 + (seq + 1) * MIN, { type: 'count', productId: 'p1', good: 1, reject: 0 }, tab), seq }));
    const full = foldStationStates(plant, l1, gapped, now + H).stations[0]!;
    expect(full.seen?.['tab-me']?.above).toHaveLength(8);
    expect(overlayStation({ plant, indexed: l1, status: full, waiting: [], now: now + H, own: gapped }).status.good).toBe(10);
    // An older service's status (no `seen`).
    const { seen: _seen, ...older } = foldStationStates(plant, l1, [mine[0]!], now).stations[0]!;
    expect(overlayStation({ plant, indexed: l1, status: stationStatusSchema.parse(older), waiting: [], now, own: mine }).status.good).toBe(5);
  });

  it("leaves out acknowledged entries from before the status's window, and those of another station", () => {
    // A window that begins after the second entry (as the next shift's does).
    const status = { ...foldStationStates(plant, l1, [mine[0]!], now).stations[0]!, from: T0 + 3 * MIN + 1 };
    const elsewhere = m.ev(T0 + 5 * MIN, { type: 'count', productId: 'p1', good: 7, reject: 0 }, { ...tab, stationId: 's2' });
    expect(overlayStation({ plant, indexed: l1, status, waiting: [], now, own: [...mine, elsewhere] }).status.good).toBe(10);
    expect(overlayStation({ plant, indexed: l1, status, waiting: [], now, own: [mine[0]!, mine[1]!] }).status.good).toBe(5);
  });
});

describe('SeqTracker', () => {
  it('says the same whatever order the seqs come in, and names at most 8 above the gap', () => {
    const seqs = [3, 4, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18];
    const read = (order: number[]) => {
      const t = new SeqTracker();
      for (const s of order) t.add(s);
      return t.read();
    };
    const expected = { upTo: 5, above: [7, 9, 10, 11, 12, 13, 14, 15] };
    expect(read(seqs)).toEqual(expected);
    expect(read([...seqs].reverse())).toEqual(expected);
    expect(read([9, 3, 17, 5, 4, 18, 7, 10, 16, 11, 15, 12, 14, 13, 4])).toEqual(expected);
    expect(read([...seqs, 6, 8])).toEqual({ upTo: 18, above: [] });
  });
});

describe('an entry made since the last tick of the screen clock', () => {
  it('counts at once, not at the next tick (the tap-to-commit screen waits for nothing else)', () => {
    const m = new EventMaker();
    const status = foldStationStates(plant, l1, [m.ev(T0 + MIN, { type: 'count', productId: 'p1', good: 10, reject: 0 }, tab)], T0 + 2 * MIN).stations[0]!;
    const lastTick = T0 + 5 * MIN;
    const justMade = m.ev(lastTick + 700, { type: 'count', productId: 'p1', good: 1, reject: 0 }, tab);
    expect(overlayStation({ plant, indexed: l1, status, waiting: [justMade], now: lastTick }).status.good).toBe(11);
  });
});
