// The tablet's entry point: the only place where adapters are wired together.
// First import: IndexedDB opens and is read while the rest of the bundle is evaluated (see db-early.ts).
import { earlyDb, earlyReads } from './adapters/db-early.ts';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { topics } from '../core/topics.ts';
import { OutboxIdb } from './adapters/outbox-idb.ts';
import { CacheIdb, lastSyncSchema } from './adapters/cache-idb.ts';
import { SyncEngine } from './services/sync-engine.ts';
import { device } from './managers/device.svelte.ts';
import { station } from './managers/station.svelte.ts';
import { sync } from './managers/sync.svelte.ts';
import { clock } from './managers/clock.svelte.ts';
import { update } from './managers/update.svelte.ts';
import { oee } from './managers/oee.svelte.ts';
import { lineLive } from './managers/line-live.svelte.ts';

/** The station's notes from the service: loaded after the first screen, never part of it. */
const notes = () => import('./managers/station-notes.svelte.ts').then((m) => m.stationNotes);

async function start(): Promise<void> {
  performance.mark('fb:script');
  const [db, read] = await Promise.all([earlyDb, earlyReads]);
  performance.mark('fb:read');
  const outbox = new OutboxIdb(db);
  const cache = new CacheIdb(db);
  await device.load(cache, read);
  performance.mark('fb:device');
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
  const engine = new SyncEngine({
    store: outbox,
    url: wsUrl,
    clientId: device.enrolment?.deviceId ?? 'unenrolled',
    ackTopic: topics.ack(device.enrolment?.site ?? 'none', device.enrolment?.deviceId ?? 'unenrolled'),
    topicFor: (key) => {
      const e = device.enrolment;
      const [line, st] = key.split('/');
      const area = device.plant?.areas.find((a) => a.lines.some((l) => l.id === line));
      return e && area && st ? topics.events({ site: e.site, area: area.id, line: line!, station: st }) : null;
    },
    credentials: () => device.credentials(Date.now()),
    // Loaded on first connect only, after the first screen is interactive: keeps the shell small.
    open: async (...args) => (await import('./adapters/mqtt-link.ts')).openMqttLink(...args),
    now: () => Date.now(),
    random: Math.random,
    onStatus: (status) => {
      const was = sync.status.mode;
      sync.update(status);
      // Connected (again): the station's notes may have grown meanwhile, on other tablets too.
      if (status.mode === 'online' && was !== 'online' && was !== 'syncing') void notes().then((n) => n.refresh());
    },
    onRejected: (ids) => station.drop(ids),
    // A note (or its undo) reached the service: its list of the station's notes has changed.
    onAcked: (events) => {
      if (events.some((e) => e.type === 'note' || e.type === 'void')) void notes().then((n) => n.refresh());
    },
    live: { topics: lineLive.topics, onMessage: (topic, payload) => void lineLive.onMessage(topic, payload) },
  });
  const waiting = await engine.load(read.outbox);
  performance.mark('fb:outbox');
  station.events = OutboxIdb.ownEvents(read.journal, waiting, Date.now());
  performance.mark('fb:journal');
  sync.engine = engine;
  sync.waiting = engine.waiting();
  sync.keptLastSyncAt = CacheIdb.parse(read.meta.lastSync, lastSyncSchema)?.at ?? null;
  // Loaded at once, not awaited: the first ack comes long after it is there.
  void import('./services/keep-last-sync.ts').then((m) => m.keepLastSync(cache));
  mount(App, { target: document.getElementById('app')! });
  performance.mark('fb:mounted');
  void station.loadFold().catch((error: unknown) => console.error('station fold not loaded', error));
  // The station's last known state survives a reload offline (shown with its age).
  // Right after the first screen: the schema is not part of it.
  const { stationStatusSchema } = await import('../core/live.schema.ts');
  const kept = CacheIdb.parse(read.meta.stationStatus, stationStatusSchema);
  if (kept && kept.stationId === device.enrolment?.station && !station.status) station.status = kept;
  let keptAt = 0;
  let latest: typeof kept = null;
  let keepTimer: ReturnType<typeof setTimeout> | null = null;
  /** What an operator reads off the status; a change of it is kept at once (a reload may follow within a second). */
  const gist = (s: NonNullable<typeof kept>) => [s.state, s.good, s.reject, s.productId, s.stop?.stopId, s.changeover?.changeoverId, s.awaitingCount, s.from].join('|');
  let keptGist = kept ? gist(kept) : '';
  lineLive.onStation = (s) => {
    latest = s;
    const isNews = gist(s) !== keptGist;
    if (isNews && keepTimer) {
      clearTimeout(keepTimer);
      keepTimer = null;
    }
    // Otherwise (only its age or target moved) the latest one at most every 2 s: the meta store is
    // also where each tap takes its sequence number.
    keepTimer ??= setTimeout(() => {
      keepTimer = null;
      keptAt = Date.now();
      if (latest) keptGist = gist(latest);
      void cache.put('station-status', latest).catch((error: unknown) => console.warn('station status not kept', error));
    }, isNews ? 0 : Math.max(0, keptAt + 2000 - Date.now()));
  };
  clock.listen();
  // Everything network-bound waits until the first screen is up.
  const later = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 200));
  later(() => {
    if (device.enrolment) engine.start();
    void clock.measure();
    void update.register();
    oee.listen();
    void notes().then((n) => n.listen());
    void outbox.pruneJournal(Date.now());
  });
  window.addEventListener('online', () => {
    sync.isBrowserOnline = true;
    engine.kick();
    void clock.measure();
  });
  window.addEventListener('offline', () => (sync.isBrowserOnline = false));
  // A tablet's clock drifts and gets set by hand: measure again every ten minutes.
  setInterval(() => void clock.measure(), 10 * 60_000);
}

start().catch((error: unknown) => {
  // Without IndexedDB nothing can be recorded safely: say so instead of showing a blank screen.
  console.error(error);
  const app = document.getElementById('app');
  if (app) app.textContent = `Floorboard cannot store entries on this device (${error instanceof Error ? error.message : String(error)}). Ask IT.`;
});
