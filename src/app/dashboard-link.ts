// Wiring of the dashboards' broker link; main.ts loads it with the dashboards (an entry point's part).
import { topics, type LinePath } from '../core/topics.ts';
import type { Plant } from '../core/plant.schema.ts';
import { OutboxIdb } from './adapters/outbox-idb.ts';
import { openFloorboardDb } from './adapters/db.ts';
import type { OpenLink } from './adapters/mqtt-link.ts';
import { FloorboardError } from '../core/errors.ts';
import { SyncEngine, type OutboxStore } from './services/sync-engine.ts';
import type { DashboardSession } from './dashboard/managers/session.svelte.ts';

/** The store of a link that never records (a manager's board, a TV): nothing to load, nothing may be added. */
const noOutbox: OutboxStore = {
  appendAll: () => Promise.reject(new FloorboardError('forbidden', 'this sign-in records no entries')),
  loadAll: async () => ({ records: [], invalid: [] }),
  commitOutcome: async () => undefined,
  dismiss: async () => undefined,
};

/**
 * The dashboards' one broker link (loaded with them, never part of the tablet's first screen): the
 * live topics for every role and, for a lead or admin, their own outbox (an IndexedDB per dashboard
 * device) driven by the same sync engine as a tablet's, so a correction survives going offline and
 * a reload, and counts once the service acknowledged it.
 */
export async function startDashboardLink(session: DashboardSession, plant: Plant, lines: readonly LinePath[], wiring: { url: string; open: OpenLink }): Promise<() => void> {
  const [{ live }, { leadOutbox }, { leadRouteOf, leadTopicFor }] = await Promise.all([
    import('./dashboard/managers/live.svelte.ts'),
    import('./dashboard/managers/lead-outbox.svelte.ts'),
    import('./dashboard/services/correction-events.ts'),
  ]);
  const canWrite = session.user.role === 'lead' || session.user.role === 'admin';
  const db = canWrite ? await openFloorboardDb(`floorboard-dash-${session.deviceId}`) : null;
  const areaOf = (lineId: string) => plant.areas.find((a) => a.lines.some((l) => l.id === lineId))?.id ?? null;
  const outbox = db ? new OutboxIdb(db) : null;
  const engine = new SyncEngine({
    store: outbox ?? noOutbox,
    url: wiring.url,
    clientId: session.deviceId,
    ackTopic: canWrite ? topics.ack(plant.site.id, session.deviceId) : null,
    routeOf: leadRouteOf,
    topicFor: (key) => leadTopicFor(key, plant.site.id, areaOf),
    credentials: async () => session.mqtt ?? { username: session.user.id, password: session.token },
    open: wiring.open,
    now: () => Date.now(),
    random: Math.random,
    onStatus: (status) => {
      live.linkChanged(status.mode);
      leadOutbox.update(status);
    },
    onAcked: (events) => leadOutbox.settled(events),
    // A lead follows the station logs of their lines (notes and handovers, pushed as they are stored).
    // Andon: the lines the reader sees (the plant the API gave them), like their status.
    live: {
      topics: () => lines.flatMap((l) => [topics.lineStatus(l), topics.lineOee(l), topics.lineAndon(l), ...(canWrite ? [topics.stationLog({ ...l, station: '+' })] : [])]),
      onMessage: live.receive,
      onRefused: live.subscriptionsRefused,
    },
  });
  if (canWrite) {
    leadOutbox.engine = engine;
    await engine.load();
  }
  live.linkChanged('connecting');
  engine.start();
  // What the outbox keeps for a while (the journal, seq claims) is pruned as on a tablet.
  const stopPruning = outbox?.keepPruned();
  // The browser says the network is back: try now instead of waiting out the backoff.
  const kick = () => engine.kick();
  window.addEventListener('online', kick);
  return () => {
    window.removeEventListener('online', kick);
    stopPruning?.();
    engine.stop();
    db?.close();
    live.reset();
    leadOutbox.reset();
  };
}
