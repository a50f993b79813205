import type { FloorEvent } from '../events.schema.ts';
import type { Plant } from '../plant.schema.ts';
import type { IndexedLine } from '../plant-index.ts';
import type { LineStatus, StationStatus } from '../live.schema.ts';
import type { EffectiveEvent, LineTimeline } from '../oee/line-timeline.ts';
import { compareEvents, effectiveEvents } from '../oee/normalize.ts';
import { reasonLosses } from '../oee/query.schema.ts';
import { Derived } from './derived.ts';
import { currentWindow, type ViewWindow } from '../charts/windows.ts';
import { readLine } from './read.ts';
import { SeqTracker } from './seen-seqs.ts';

/** What the fold says about one line and each of its stations at `now`. */
export interface FoldedLine {
  /** Retained on `topics.lineStatus`. */
  line: LineStatus;
  /** One per station of the line, in plant order; each retained on `topics.stationStatus`. */
  stations: StationStatus[];
}

const isEdit = (e: FloorEvent) => e.type === 'correction' || e.type === 'void';

/**
 * THE fold from a line's events (operator entries, machine signals, corrections, voids) to the
 * present state of the line and each of its stations: state (running, stopped with the open stop,
 * changeover from -> to, no data, not scheduled), the window's counts (the OEE engine's own count
 * rules: its line timeline, so the line's counts equal `computeOee`'s), the target (`targetGood`)
 * and the stops awaiting a reason (`isAwaitingReason`). Rules: docs/adr/0008-station-state.md.
 *
 * Incremental: `add` takes events in any order and with copies. An event in time order is stepped
 * in at O(1) amortised; a late one, a correction or a void marks the fold for one rebuild at the
 * next `read`. `foldStationStates` is this class fed everything at once, so the incremental and
 * batch forms are the same code. Pure: `now` is passed to `read`, never taken from a clock.
 *
 * Feed it the line's events from before the window too (the service uses 12 h): a stop or
 * changeover open at the window's start still shapes the present.
 *
 * @example
 * const fold = new StationStateFold(plant, index.lines.get('line-1')!);
 * for (const e of events) fold.add(e);
 * const { line, stations } = fold.read(Date.now());
 * line.state; // 'running' | 'stopped' | 'changeover' | 'no-data' | 'not-scheduled'
 * stations[0].good; // this station's good parts so far in the shift
 */
export class StationStateFold {
  /** Every distinct event of the line, raw, in sort order. */
  readonly #events: FloorEvent[] = [];
  readonly #seen = new Set<string>();
  /** Ids an edit (correction or void) names: an event arriving under one needs a rebuild. */
  readonly #editTargets = new Set<string>();
  #derived: Derived;
  #isDirty = false;
  /** Latest recorded time of an edit: one recorded after a reading's `now` is not known then (ADR 0002, as-of). */
  #latestEditTs = -Infinity;
  /** The structures as of a `now` before an edit, kept for repeated reads at that moment. */
  #asOf: { now: number; derived: Derived } | null = null;
  readonly #losses;
  #window: ViewWindow | null = null;
  /** Per station, per device: the seqs folded in (a status's `seen`). */
  readonly #seqs = new Map<string, Map<string, SeqTracker>>();

  constructor(
    readonly plant: Plant,
    readonly indexed: IndexedLine,
  ) {
    this.#derived = new Derived(indexed.line);
    this.#losses = reasonLosses(plant);
  }

  /** Events folded so far (distinct ids). */
  get size(): number {
    return this.#events.length;
  }

  /** Folds one event of this line in (others are ignored); a copy of one already added changes nothing. */
  add(e: FloorEvent): void {
    if (e.lineId !== this.indexed.line.id || this.#seen.has(e.id)) return;
    this.#seen.add(e.id);
    this.#trackSeq(e);
    const list = this.#events;
    const last = list[list.length - 1];
    const isInOrder = last === undefined || compareEvents(last, e) < 0;
    if (isInOrder) list.push(e);
    else list.splice(insertionPoint(list, e), 0, e);
    this.#asOf = null;
    if (isEdit(e)) {
      this.#editTargets.add(e.type === 'correction' ? e.supersedes : e.voids);
      this.#latestEditTs = Math.max(this.#latestEditTs, e.ts);
      this.#isDirty = true;
      return;
    }
    if (!isInOrder || this.#editTargets.has(e.id)) this.#isDirty = true;
    if (!this.#isDirty) this.#derived.step(e as EffectiveEvent);
  }

  /**
   * The line's and its stations' state as known at `now`. Cheap enough to call on every event and
   * on a timer: time alone turns a silent gateway into "no data" and a shift end into "not scheduled".
   * `signalsHeardUntil`: until when the machine's signals could be heard (a tablet hears them only
   * through the service's statuses); its silence is judged then, never from the reader's own deafness.
   */
  read(now: number, signalsHeardUntil = now): FoldedLine {
    const folded = readLine(this.plant, this.indexed, this.#current(now), this.#windowAt(now), this.#losses, now, signalsHeardUntil);
    for (const st of folded.stations) {
      const devices = this.#seqs.get(st.stationId);
      // Empty, not absent, when no entry was folded: a tablet then knows that none of its entries is in (absent: an older service).
      st.seen = devices ? Object.fromEntries([...devices].map(([deviceId, t]) => [deviceId, t.read()])) : {};
    }
    return folded;
  }

  /**
   * The line's timeline (the OEE engine's own, counts and stops of every event folded in): the
   * live service reads its OEE figures from it, so it keeps one timeline per line, not two.
   */
  timeline(now: number): LineTimeline {
    return this.#current(now).line;
  }

  /**
   * The derived structures as known at `now`, rebuilt first when a late event or an edit marked
   * them. An edit recorded after `now` is left out, as the OEE engine leaves it out.
   */
  #current(now: number): Derived {
    if (this.#latestEditTs > now) {
      if (this.#asOf?.now !== now) {
        const d = new Derived(this.indexed.line);
        for (const e of effectiveEvents(this.#events, now)) d.step(e);
        this.#asOf = { now, derived: d };
      }
      return this.#asOf.derived;
    }
    if (this.#isDirty) {
      const d = new Derived(this.indexed.line);
      for (const e of effectiveEvents(this.#events)) d.step(e);
      this.#derived = d;
      this.#isDirty = false;
    }
    return this.#derived;
  }

  /** Entries only: machine signals are never laid on a status by a tablet, and would only make it longer. */
  #trackSeq(e: FloorEvent): void {
    if (e.type === 'machine.state' || e.type === 'machine.counter' || e.type === 'machine.heartbeat') return;
    let devices = this.#seqs.get(e.stationId);
    if (!devices) this.#seqs.set(e.stationId, (devices = new Map()));
    let t = devices.get(e.deviceId);
    if (!t) devices.set(e.deviceId, (t = new SeqTracker()));
    t.add(e.seq);
  }

  /**
   * The live window; a shift's is kept until it ends (the calendar is costly to ask every read),
   * shared by every fold of the plant: the tablet makes a short-lived fold per status it overlays.
   */
  #windowAt(now: number): ViewWindow {
    const w = this.#window ?? shiftWindows.get(this.plant.calendar);
    if (w && w.shiftId !== null && w.from <= now && now < w.to) return (this.#window = w);
    const next = currentWindow(this.plant.calendar, now);
    shiftWindows.set(this.plant.calendar, next);
    return (this.#window = next);
  }
}

/** The last window asked per calendar (see `#windowAt`). */
const shiftWindows = new WeakMap<Plant['calendar'], ViewWindow>();

/** Index after every event that sorts before or with `e`. */
function insertionPoint(list: readonly FloorEvent[], e: FloorEvent): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(list[mid]!, e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The batch form: a line's events (any order, copies allowed) folded at `now`. Equal to feeding a
 * `StationStateFold` the same events one by one, in any order.
 * @example foldStationStates(plant, index.lines.get('line-1')!, events, Date.now()).line.state
 */
export function foldStationStates(plant: Plant, indexed: IndexedLine, events: readonly FloorEvent[], now: number): FoldedLine {
  const fold = new StationStateFold(plant, indexed);
  for (const e of events) fold.add(e);
  return fold.read(now);
}
