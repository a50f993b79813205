import type { OeeSnapshot, LineStatus } from '../../core/live.schema.ts';
import { topics, type FloorEvent, type OeeFigures, type Plant } from '../../core/index.ts';
import { currentWindow, type ViewWindow } from '../../core/charts/windows.ts';
import { OeeAccumulator } from '../../core/oee/accumulator.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { hasStatusChanged, LineStatusTracker } from './line-status.ts';

/** Events this long before the window still shape it (a stop or changeover open at its start). */
const LOOKBACK_MS = 12 * 3600_000;

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
}

type Window = ViewWindow;

/**
 * The stored event on the service clock: the engine reads `ts`, so it gets the corrected time.
 * Most events need no correction and are shared as they are (nothing mutates them): a copy per
 * event was a visible share of ingest time.
 */
const corrected = (r: StoredEventInput): FloorEvent => (r.event.ts === r.correctedTs ? r.event : { ...r.event, ts: r.correctedTs });

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
    availability: f.availability,
    performance: f.performance,
    quality: f.quality,
    oee: f.oee,
    isScheduled: f.isScheduled,
    isPerformanceOverLimit: f.isPerformanceOverLimit,
    plannedMs: f.plannedMs,
    runMs: f.runMs,
    stopMs: f.stopMs,
    good: f.good,
    reject: f.reject,
    total: f.total,
    stopCount: f.stopCount,
    ...(targetOee === undefined ? {} : { targetOee }),
    topLosses: f.topReasons.slice(0, 5),
  };
}

/**
 * Live OEE on MQTT: one accumulator for the current shift fed by committed events; a retained
 * status per line on every change, and retained snapshots per line, area and site every interval
 * and on every state change. At a shift boundary it starts over from storage.
 */
export async function startLiveOee(o: LiveOeeOptions): Promise<LiveOee> {
  let window: Window;
  let acc: OeeAccumulator;
  const trackers = new Map<string, LineStatusTracker>();
  const statuses = new Map<string, LineStatus>();
  let isStopped = false;

  const send = (topic: string, value: unknown) =>
    o.publish(topic, JSON.stringify(value), { retain: true }).catch((error: unknown) => o.log('live publish failed', { topic, error: (error as Error).message }));

  function publishSnapshots(): void {
    const at = o.now();
    const report = acc.report(Math.min(at, window.to));
    const site = o.index.site;
    for (const l of report.lines) {
      const line = o.index.lines.get(l.id);
      if (line) void send(topics.lineOee(line.path), snapshot('line', l.id, l.total, window, site, at, line.line.targetOee));
    }
    for (const a of report.areas) void send(topics.areaOee(site, a.id), snapshot('area', a.id, a.total, window, site, at));
    void send(topics.siteOee(site), snapshot('site', site, report.site.total, window, site, at));
  }

  /** Recomputes the status of these lines; publishes the ones that changed. Returns whether any did. */
  function refreshStatus(lineIds: Iterable<string>): boolean {
    let hasChanged = false;
    for (const id of lineIds) {
      const line = o.index.lines.get(id);
      if (!line) continue;
      const next = (trackers.get(id) ?? new LineStatusTracker(line)).status(window.shiftId, o.now());
      if (!hasStatusChanged(statuses.get(id), next)) continue;
      statuses.set(id, next);
      hasChanged = true;
      void send(topics.lineStatus(line.path), next);
    }
    return hasChanged;
  }

  async function load(): Promise<void> {
    window = currentWindow(o.plant.calendar, o.now());
    acc = new OeeAccumulator(o.plant, { from: window.from, to: window.to, by: 'window' });
    trackers.clear();
    const page = await o.storage.listEvents({ from: Math.max(0, window.from - LOOKBACK_MS), orderBy: 'time' });
    for (const r of page.events) add(corrected(r));
    refreshStatus(o.index.lines.keys());
    publishSnapshots();
  }

  function add(e: FloorEvent): void {
    acc.apply(e);
    const line = o.index.lines.get(e.lineId);
    if (!line) return;
    let tracker = trackers.get(e.lineId);
    if (!tracker) trackers.set(e.lineId, (tracker = new LineStatusTracker(line)));
    tracker.add(e);
  }

  await load();
  let isRolling = false;
  /** Commits that arrive while a new shift loads from storage: applied once it is loaded. */
  let held: StoredEventInput[] = [];
  const timer = setInterval(() => {
    if (isStopped || isRolling) return;
    if (o.now() >= window.to) {
      isRolling = true;
      load()
        .catch((error: unknown) => o.log('live OEE reload failed', { error: (error as Error).message }))
        .finally(() => {
          isRolling = false;
          // The accumulator drops copies, so events the load already read are harmless here.
          const late = held;
          held = [];
          apply(late);
        });
      return;
    }
    // Time alone can change a status: a stop becomes one awaiting a reason.
    refreshStatus(o.index.lines.keys());
    publishSnapshots();
  }, o.intervalMs);
  timer.unref();

  function apply(records: readonly StoredEventInput[]): void {
    const touched = new Set<string>();
    for (const r of records) {
      const e = corrected(r);
      add(e);
      touched.add(e.lineId);
    }
    if (refreshStatus(touched)) publishSnapshots();
  }

  return {
    onCommitted(records) {
      if (isStopped) return;
      if (isRolling) held.push(...records);
      else apply(records);
    },
    stop() {
      isStopped = true;
      clearInterval(timer);
    },
  };
}
