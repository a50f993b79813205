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
import type { OpenLink } from './adapters/mqtt-link.ts';
import { device } from './managers/device.svelte.ts';
import { station } from './managers/station.svelte.ts';
import { sync } from './managers/sync.svelte.ts';
import { clock } from './managers/clock.svelte.ts';
import { lineLive } from './managers/line-live.svelte.ts';
import { useEntryService } from './managers/entries.ts';
import { DASHBOARD_LINK, type StartDashboardLink } from './dashboard/managers/link.ts';

/** The build's version (package.json, set by vite.config.ts), reported to the admins' device list. */
const APP_VERSION = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : 'dev';
/** The broker's MQTT-over-WebSocket address, on the origin that served the app (tablet and dashboards). */
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`;
/** mqtt.js is loaded on first connect only, after the first screen is interactive: keeps the shell small. */
const openLink: OpenLink = async (...args) => (await import('./adapters/mqtt-link.ts')).openMqttLink(...args);

/** Resolves once the next frame is painted (or after 100 ms: a hidden page paints no frame). */
const afterPaint = () =>
  new Promise<void>((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve));
    setTimeout(resolve, 100);
  });

async function start(): Promise<void> {
  performance.mark('fb:script');
  const [db, read] = await Promise.all([earlyDb, earlyReads]);
  performance.mark('fb:read');
  const outbox = new OutboxIdb(db);
  const cache = new CacheIdb(db);
  await device.load(cache, read);
  performance.mark('fb:device');
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
    open: openLink,
    now: () => Date.now(),
    random: Math.random,
    onStatus: (status) => sync.update(status),
    onRejected: (ids) => station.drop(ids),
    live: { topics: lineLive.topics, onMessage: (topic, payload) => void lineLive.onMessage(topic, payload) },
    ...(device.enrolment
      ? { report: { topic: topics.deviceStatus(device.enrolment.site, device.enrolment.deviceId), appVersion: APP_VERSION, stationId: device.enrolment.station } }
      : {}),
    onAuthRefused: () => void device.checkRevoked(Date.now()),
  });
  const waiting = await engine.load(read.outbox);
  performance.mark('fb:outbox');
  // Until the journal is read (right after the first screen): the entries still waiting.
  station.events = OutboxIdb.ownEvents([], waiting, Date.now());
  sync.engine = engine;
  // Loaded when idle after the first paint (below), or by the first entry if that comes sooner.
  useEntryService(async () =>
    (await import('./services/entry-service.ts')).createEntryService({
      enrolment: () => device.enrolment,
      author: () => device.session?.user.id ?? null,
      engine: () => sync.engine,
      clockOffsetMs: () => clock.offsetMs,
      onRecorded: (event) => station.push(event),
      now: () => Date.now(),
    }),
  );
  sync.waiting = engine.waiting();
  sync.keptLastSyncAt = CacheIdb.parse(read.meta.lastSync, lastSyncSchema)?.at ?? null;
  // Loaded at once, not awaited: the first ack comes long after it is there.
  void import('./services/keep-last-sync.ts').then((m) => (sync.onLastSync = m.keepLastSync(db)));
  mount(App, { target: document.getElementById('app')!, context: new Map([[DASHBOARD_LINK, startDashboardLink]]) });
  performance.mark('fb:mounted');
  // The shift (the core calendar) is not part of the first screen: loaded at once, not awaited.
  void station.loadCalendar().catch((error: unknown) => console.error('calendar not loaded', error));
  // The settled entries, once the first screen is painted: before those shown so far, and any
  // recorded since stay after them.
  const journal = await read.journal;
  await afterPaint();
  station.events = station.withEarlier(OutboxIdb.ownEvents(journal, waiting, Date.now()));
  performance.mark('fb:journal');
  void station.loadFold().catch((error: unknown) => console.error('station fold not loaded', error));
  // The station's last known state survives a reload offline (shown with its age).
  // Right after the first screen: the schema and the keeper are not part of it.
  const { keptStationStatus, keepStationStatus, readKeptLineLive, keepLineLive } = await import('./services/keep-station-status.ts');
  const kept = keptStationStatus(read.meta.stationStatus);
  if (kept && kept.stationId === device.enrolment?.station && !station.status) station.status = kept;
  // So are the line's status and OEE snapshot (shift progress), when of this line and shift.
  const keptLine = await readKeptLineLive(db, device.enrolment?.line ?? '', Date.now());
  lineLive.restore(keptLine);
  ({ onStatus: lineLive.onLine, onSnapshot: lineLive.onSnapshot } = keepLineLive(db, keptLine));
  // The station's log arrives on its retained topic: no polling (managers/station-log.svelte.ts).
  // The station log's manager is loaded with its first message, not with the first screen.
  lineLive.onLog = (json) => void import('./managers/station-log.svelte.ts').then((m) => m.stationLog.push(json));
  lineLive.onStation = keepStationStatus(db, kept);
  clock.listen();
  // Everything network-bound waits until the first screen is up.
  const later = (fn: () => void) => ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 1000 }) : setTimeout(fn, 200));
  // What comes after the first screen is a chunk of its own (the shell's JS budget), retried if it fails to load.
  const afterFirstScreen = (): void =>
    void import('./after-first-screen.ts').then(
      (m) => m.afterFirstScreen(engine, outbox),
      (error: unknown) => (console.error('not loaded', error), setTimeout(afterFirstScreen, 5000)),
    );
  later(afterFirstScreen);
  window.addEventListener('online', () => {
    sync.isBrowserOnline = true;
    engine.kick();
    void clock.measure();
  });
  window.addEventListener('offline', () => (sync.isBrowserOnline = false));
}

/** The dashboards' broker link (dashboard-link.ts), loaded with the dashboards: never part of the tablet's first screen. */
const startDashboardLink: StartDashboardLink = async (session, plant, lines) =>
  (await import('./dashboard-link.ts')).startDashboardLink(session, plant, lines, { url: wsUrl, open: openLink });

start().catch((error: unknown) => {
  // Without IndexedDB nothing can be recorded safely: say so instead of showing a blank screen.
  console.error(error);
  const app = document.getElementById('app');
  if (app) app.textContent = `Floorboard cannot store entries on this device (${error instanceof Error ? error.message : String(error)}). Ask IT.`;
});
