import type { OeeSnapshot } from '../../core/live.schema.ts';
import { headlineOf } from '../../core/contracts/figures.ts';
import { topics, type FloorEvent, type Line, type OeeFigures, type Plant } from '../../core/index.ts';
import { currentWindow, type ViewWindow } from '../../core/charts/windows.ts';
import type { IndexedLine, PlantIndex } from '../../core/plant-index.ts';
import type { FoldedLine } from '../../core/station-state/fold.ts';
import { nextTurn } from '../history/stored-slices.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { foldsReport, StationStateFold } from '../../core/station-state/index.ts';
import { compareEvents } from '../../core/oee/normalize.ts';
import { withLeaderVersion } from '../cluster/leader-version.ts';
import { eventsWithState, onServiceClock } from '../history/bucket-history.ts';

/** Longest wait between two reads of the statuses: time alone changes a state (a stop outgrows a small stop). */
const STATUS_REFRESH_MS = 1000;
/** A status whose only change is its target is republished at most this often (see `sameness`). */
const TARGET_REFRESH_MS = 60_000;
/** A status whose only change is a machine's counts or signal time is republished at most this often (see `sameness`). */
const SIGNAL_REFRESH_MS = 1000;


/**
 * Events this long before the window still shape it (a stop or changeover open at its start).
 * Events that decide a line's present however long ago they were made (its open stops and their
 * reasons, its changeover, the machine's last state and signal, the product) are read from before
 * it too, so a line silent since Friday shows on Monday what it was left in.
 */
const LOOKBACK_MS = 12 * 3600_000;
/** A silence is booked once it is longer than the timeout: the snapshot comes just after. */
const SILENCE_MARGIN_MS = 50;
/**
 * Commits are folded in together once this long has passed since the first of them. A gateway sends
 * each station's share of the same moments in a message of its own, and committed one by one they
 * reach a line's fold out of time order, each forcing a rebuild of the line; sorted together they
 * step in. The acks of a commit also go out before the live work, not after it.
 */
const SETTLE_MS = 100;
/** Events folded per turn of the event loop while a shift loads. */
const LOAD_SLICE = 2000;

export interface LiveOee {
  /** Feed events just committed (never before the commit: memory follows the database). */
  onCommitted(records: readonly StoredEventInput[]): void;
  stop(): void;
}

export interface LiveOeeOptions {
  storage: Storage;
  plant: Plant;
  index: PlantIndex;
  now: () => number;
  intervalMs: number;
  publish: (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** What the engine cannot see in the events: service downtime, first stored events (run-log.ts, ADR 0009). */
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
  /** Each reading of a line's fold (andon evaluates its rules on these facts: one truth). */
  onRead?: (indexed: IndexedLine, folded: FoldedLine) => void;
  /** The plant version `plant` is, told on each line status (tablets refetch their plant when it moves). */
  configVersion?: number;
  /** A cluster's leader: the version each publish carries (higher each time, and under each later leader; ADR 0017). */
  version?: () => number;
}

type Window = ViewWindow;

function snapshot(scope: OeeSnapshot['scope'], id: string, f: OeeFigures, w: Window, siteId: string, at: number, targetOee?: number): OeeSnapshot {
  return {
    v: 1,
    scope,
    id,
    siteId,
    shiftId: w.shiftId,
    from: w.from,
    to: w.to,
    at,
    ...headlineOf(f),
    ...(targetOee === undefined ? {} : { targetOee }),
    topLosses: f.topReasons.slice(0, 5),
  };
}

/**
 * A status as compared for a change: everything a screen shows but the target and what a running
 * machine moves on its own. The target grows with planned time alone (a part every few seconds), and
 * screens draw "produced of target" from the OEE snapshot's planned time with `targetGood`
 * (republished every interval): a status whose only change is its target is republished at most
 * every TARGET_REFRESH_MS (ADR 0008). A machine's counter moves its counts and signal time many
 * times a second: a status whose only change is those is republished at most every
 * SIGNAL_REFRESH_MS, and the one-second re-read brings the latest. An operator's entry changes the
 * status's `seen` too, so the tablet that made it gets its status at once.
 */
const sameness = (v: StatusLike) => JSON.stringify({ ...v, updatedAt: 0, target: 0, good: 0, reject: 0, lastSignalAt: v.lastSignalAt == null ? null : 0 });
const signalOf = (v: StatusLike) => `${v.good}|${v.reject}|${v.lastSignalAt}`;

interface StatusLike {
  updatedAt: number;
  target?: number | null;
  good?: number;
  reject?: number;
  lastSignalAt?: number | null;
}

/** What was last published on a status topic. */
interface Published {
  key: string;
  target: number | null | undefined;
  signal: string;
  at: number;
}

/**
 * Live OEE on MQTT: one station fold per line (src/core/station-state), fed by committed events,
 * for the retained line and station statuses (published when something a screen shows changes)
 * and, from the folds' own line timelines, the retained OEE snapshots per line, area and site
 * (every interval, on a line status change, and when a gateway's silence passes its timeout).
 * One timer re-reads the statuses every second (time alone changes a state), wakes at a silence's
 * due moment, and at a shift boundary starts over from storage.
 */
export async function startLiveOee(o: LiveOeeOptions): Promise<LiveOee> {
  let window: Window;
  let monitoring: Monitoring | undefined;
  const folds = new Map<string, StationStateFold>();
  const published = new Map<string, Published>();
  let isStopped = false;
  let isRolling = false;
  /** Commits that arrive while a new shift loads from storage: applied once it is loaded. */
  let held: StoredEventInput[] = [];

  const send = (topic: string, value: object) =>
    o.publish(topic, JSON.stringify(withLeaderVersion(value, o.version)), { retain: true }).catch((error: unknown) => o.log('live publish failed', { topic, error: (error as Error).message }));

  let nextSnapshotAt = 0;
  function publishSnapshots(): void {
    const at = o.now();
    nextSnapshotAt = at + o.intervalMs;
    const report = foldsReport(o.plant, folds, window, Math.min(at, window.to), monitoring);
    const site = o.index.site;
    for (const l of report.lines) {
      const line = o.index.lines.get(l.id);
      if (line) void send(topics.lineOee(line.path), snapshot('line', l.id, l.total, window, site, at, line.line.targetOee));
    }
    for (const a of report.areas) void send(topics.areaOee(site, a.id), snapshot('area', a.id, a.total, window, site, at));
    void send(topics.siteOee(site), snapshot('site', site, report.site.total, window, site, at));
  }

  /** Publishes `value` on `topic` if a screen would show something else than the last one published there; returns whether it did. */
  function publishIfChanged(topic: string, value: StatusLike): boolean {
    const key = sameness(value);
    const signal = signalOf(value);
    const last = published.get(topic);
    if (last && last.key === key) {
      const age = value.updatedAt - last.at;
      if (last.signal !== signal ? age < SIGNAL_REFRESH_MS : last.target === value.target || age < TARGET_REFRESH_MS) return false;
    }
    published.set(topic, { key, target: value.target, signal, at: value.updatedAt });
    void send(topic, value);
    return true;
  }

  function foldOf(lineId: string): StationStateFold | undefined {
    let fold = folds.get(lineId);
    const line = o.index.lines.get(lineId);
    if (!fold && line) folds.set(lineId, (fold = new StationStateFold(o.plant, line)));
    return fold;
  }

  /** Re-reads the folds of these lines; publishes the line and station statuses that changed. Returns whether a line status did. */
  function refreshStatus(lineIds: Iterable<string>): boolean {
    let hasChanged = false;
    const now = o.now();
    for (const id of lineIds) {
      const fold = foldOf(id);
      if (!fold) continue;
      const folded = fold.read(now);
      o.onRead?.(fold.indexed, folded);
      const { line, stations } = folded;
      const path = fold.indexed.path;
      for (const st of stations) publishIfChanged(topics.stationStatus({ ...path, station: st.stationId }), st);
      if (publishIfChanged(topics.lineStatus(path), o.configVersion ? { ...line, configVersion: o.configVersion } : line)) hasChanged = true;
    }
    return hasChanged;
  }

  async function load(): Promise<void> {
    window = currentWindow(o.plant.calendar, o.now());
    monitoring = await o.monitoring?.([...o.index.lines.keys()]);
    folds.clear();
    silenceDue.clear();
    const lookback = Math.max(0, window.from - LOOKBACK_MS);
    // Each line's latest state before the look-back, however old, then everything since: the read
    // every history route and the hourly buckets make (a line stopped since Friday shows on Monday).
    const events = await eventsWithState(o.storage, [...o.index.lines.keys()], lookback);
    // A busy shift is tens of thousands of events: folded a slice per turn of the event loop, so
    // ingest and a cluster leader's lease renewals go on meanwhile (`isRolling` holds commits and ticks).
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // The state before the look-back goes into the fold only: its signals' silences are long known.
      if (e.ts < lookback) foldOf(e.lineId)?.add(e);
      else add(e);
      if (i % LOAD_SLICE === LOAD_SLICE - 1) await nextTurn();
    }
    refreshStatus(o.index.lines.keys());
    publishSnapshots();
  }

  /** Per line, when the silence of its gateway passes the heartbeat timeout: no data shows then, not at the next interval (ADR 0009). */
  const silenceDue = new Map<string, number>();
  function watchSilence(e: FloorEvent, line: Line): void {
    if (e.type !== 'machine.heartbeat' && e.type !== 'machine.state' && e.type !== 'machine.counter') return;
    if (e.stationId !== (line.machineStationId ?? line.stations[0]?.id)) return;
    const at = e.ts + line.heartbeatTimeoutSec * 1000 + SILENCE_MARGIN_MS;
    // An old signal (the load, a late one) or an earlier one than the due: the interval covers it.
    if (at <= o.now() || (silenceDue.get(e.lineId) ?? -Infinity) >= at) return;
    silenceDue.set(e.lineId, at);
    wakeBy(at);
  }

  function add(e: FloorEvent): void {
    const line = o.index.lines.get(e.lineId);
    if (!line) return;
    watchSilence(e, line.line);
    foldOf(e.lineId)?.add(e);
  }

  /** The one timer: wakes at the earliest of the next status re-read, snapshot and silence due. */
  let wake: { at: number; timer: NodeJS.Timeout } | null = null;
  function wakeBy(at: number): void {
    if (isStopped || (wake && wake.at <= at)) return;
    if (wake) clearTimeout(wake.timer);
    const timer = setTimeout(tick, Math.max(0, at - o.now()));
    timer.unref();
    wake = { at, timer };
  }

  function tick(): void {
    wake = null;
    if (isStopped) return;
    const now = o.now();
    if (isRolling) {
      wakeBy(now + STATUS_REFRESH_MS);
      return;
    }
    if (now >= window.to) {
      roll();
      return;
    }
    let isSilenceDue = false;
    for (const [lineId, at] of silenceDue) {
      if (at > now) continue;
      silenceDue.delete(lineId);
      isSilenceDue = true;
    }
    // Time alone can change a status: a silent gateway becomes "no data", a stop outgrows a small stop.
    if (refreshStatus(o.index.lines.keys()) || isSilenceDue || now >= nextSnapshotAt) publishSnapshots();
    wakeBy(Math.min(now + STATUS_REFRESH_MS, nextSnapshotAt, ...silenceDue.values()));
  }

  function roll(): void {
    isRolling = true;
    // Commits being folded into the ending window finish first; the new window is read after them.
    applying
      .then(load)
      .catch((error: unknown) => o.log('live OEE reload failed', { error: (error as Error).message }))
      .finally(() => {
        isRolling = false;
        // The folds drop copies, so events the load already read are harmless here.
        const late = held;
        held = [];
        apply(late);
        wakeBy(o.now() + STATUS_REFRESH_MS);
      });
  }

  /** Applies run one after another, in the order they were asked for. */
  let applying: Promise<void> = Promise.resolve();
  function apply(records: readonly StoredEventInput[]): void {
    if (records.length === 0) return;
    applying = applying.then(() => applySliced(records)).catch((error: unknown) => o.log('live OEE: applying commits failed', { error: (error as Error).message }));
  }
  /**
   * Folds commits in, a slice per turn of the event loop: a new cluster leader is handed the tens of
   * thousands of commits that came while it loaded, and folding them at once held its event loop
   * for 10 s under load, past its lease.
   */
  async function applySliced(records: readonly StoredEventInput[]): Promise<void> {
    const touched = new Set<string>();
    const events = records.map(onServiceClock).sort(compareEvents);
    for (let i = 0; i < events.length; i++) {
      add(events[i]!);
      touched.add(events[i]!.lineId);
      if (i % LOAD_SLICE === LOAD_SLICE - 1) await nextTurn();
    }
    if (!isStopped && refreshStatus(touched)) publishSnapshots();
  }

  /** Commits waiting for the settle (SETTLE_MS). */
  let settling: StoredEventInput[] = [];
  let settleTimer: NodeJS.Timeout | null = null;
  function settle(records: readonly StoredEventInput[]): void {
    for (const r of records) settling.push(r);
    settleTimer ??= setTimeout(() => {
      settleTimer = null;
      const records = settling;
      settling = [];
      if (isStopped) return;
      if (isRolling) held.push(...records);
      else apply(records);
    }, SETTLE_MS);
  }

  isRolling = true;
  try {
    await load();
  } finally {
    isRolling = false;
  }
  const early = held;
  held = [];
  apply(early);
  wakeBy(o.now() + STATUS_REFRESH_MS);

  return {
    onCommitted(records) {
      if (isStopped) return;
      if (isRolling) held.push(...records);
      else settle(records);
    },
    stop() {
      isStopped = true;
      if (wake) clearTimeout(wake.timer);
      if (settleTimer) clearTimeout(settleTimer);
    },
  };
}
