import type { MqttClient } from 'mqtt';
import { MAX_BATCH_EVENTS, topics, type Ack, type FloorEvent, type StationPath } from '../core/index.ts';
import { connectSessionBroker, signIn } from '../cli/service-session.ts';
import type { FileQueue } from './file-queue.ts';
import type { DeviceReport } from '../core/contracts/devices.ts';

export interface ServiceLinkOptions {
  url: string;
  userId: string;
  password: string;
  deviceId: string;
  site: string;
  queue: FileQueue;
  /** The topic path of a station the gateway publishes for. */
  stationPath: (stationId: string) => StationPath;
  log: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** How long to wait for the ack of a batch before sending it again (ingest drops the copies). */
  ackTimeoutMs?: number;
  /** Reported with the queue's size for the admins' device list. */
  appVersion?: string;
}

export interface ServiceLink {
  readonly connected: boolean;
  /** Something new is in the queue. */
  wake: () => void;
  /** Keeps the connectors' health report (JSON) retained on the gateway's own health topic: now if connected, else at the next connect. */
  reportHealth: (report: string) => void;
  close: () => Promise<void>;
}

/**
 * The gateway's way to the service, like a tablet's: it signs in as its gateway user, connects to
 * the service's broker over WebSocket with the session's login, publishes the queue's events on
 * their stations' signals topics one batch at a time, and removes a batch's events from the queue
 * when the ack on its own ack topic names them. Any failure closes the link and starts again after
 * a backoff, with a fresh sign-in; the queue keeps everything meanwhile.
 */
/** Events of the queue's head sent in one round (in batches of at most MAX_BATCH_EVENTS per station). */
const HEAD_EVENTS = 10 * MAX_BATCH_EVENTS;

export function linkToService(options: ServiceLinkOptions): ServiceLink {
  const { queue, log } = options;
  const backoff = options.backoff ?? { initialMs: 500, maxMs: 30_000 };
  const ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
  let closed = false;
  let connected = false;
  let client: MqttClient | undefined;
  let wake: () => void = () => {};
  const pending: Ack[] = [];
  let health: string | null = null;
  const healthTopic = topics.connectorHealth(options.site, options.deviceId);
  const publishHealth = () => {
    if (health === null || !client || !connected) return;
    client.publishAsync(healthTopic, health, { qos: 1, retain: true }).catch((error: unknown) => log(`service link: health report not sent: ${(error as Error).message}`));
  };
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => (clearTimeout(timer), resolve());
    });

  const session = async () => {
    const s = await signIn(options.url, options.userId, options.password, options.deviceId);
    let down = false;
    client = await connectSessionBroker(s, options.site, (ack) => {
      // Not an ack (null): the batch is sent again after its timeout.
      if (ack) pending.push(ack);
      wake();
    });
    client.on('close', () => {
      down = true;
      wake();
    });
    connected = true;
    log(`connected to the service at ${options.url}`);
    // The report for the admins' device list: at connect, after each acknowledged batch, and every idle minute.
    const report = () => {
      const body: DeviceReport = { v: 1, deviceId: options.deviceId, appVersion: options.appVersion ?? 'gateway', waiting: queue.size, at: Date.now() };
      client?.publishAsync(topics.deviceStatus(options.site, options.deviceId), JSON.stringify(body), { qos: 1 }).catch(() => {});
    };
    report();
    publishHealth();
    while (!closed && !down) {
      const first = queue.peek(1)[0];
      if (!first) {
        await nap(60_000);
        report();
        continue;
      }
      // The head of the queue, one batch per station (each station has its own topic), all in
      // flight at once: a gateway of many machines waits one round trip, not one per machine.
      // The head reaches far enough that a busy station's batch holds many events, not one or two:
      // the service's cost is mostly per message.
      const byStation = new Map<string, FloorEvent[]>();
      for (const e of queue.peek(HEAD_EVENTS)) {
        const list = byStation.get(e.stationId);
        if (!list) byStation.set(e.stationId, [e]);
        else if (list.length < MAX_BATCH_EVENTS) list.push(e);
      }
      pending.length = 0;
      const open = new Map([...byStation].map(([station, batch]) => [station, new Set(batch.map((e) => e.id))]));
      await Promise.all([...byStation].map(([station, batch]) => client!.publishAsync(topics.signals(options.stationPath(station)), JSON.stringify({ events: batch }), { qos: 1 })));
      const deadline = Date.now() + ackTimeoutMs;
      const settled: string[] = [];
      const settle = () => {
        for (const [station, ids] of open) {
          const ack = pending.find((a) => a.accepted.some((id) => ids.has(id)) || a.rejected.some((r) => r.id !== undefined && ids.has(r.id)));
          if (!ack) continue;
          for (const r of ack.rejected) if (r.id === undefined || ids.has(r.id)) log(`the service refused ${r.id ?? 'an event'}: ${r.code} ${r.message}`);
          settled.push(...ack.accepted.filter((id) => ids.has(id)), ...ack.rejected.flatMap((r) => (r.id !== undefined && ids.has(r.id) ? [r.id] : [])));
          open.delete(station);
        }
      };
      for (settle(); !closed && !down && open.size > 0 && Date.now() < deadline; settle()) await nap(deadline - Date.now());
      // Unacknowledged batches are sent again (the service drops what it already has).
      if (settled.length) await queue.remove(settled);
      if (queue.size === 0) report();
    }
  };

  const loop = async () => {
    let delay = backoff.initialMs;
    while (!closed) {
      try {
        await session();
        delay = backoff.initialMs;
      } catch (error) {
        log(`service link: ${(error as Error).message}`);
      }
      connected = false;
      await client?.endAsync(true).catch(() => {});
      client = undefined;
      if (closed) break;
      await nap(delay);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
  };
  const running = loop();
  return {
    get connected() {
      return connected;
    },
    wake: () => wake(),
    reportHealth(report) {
      health = report;
      publishHealth();
    },
    async close() {
      closed = true;
      wake();
      await client?.endAsync(true).catch(() => {});
      await running;
    },
  };
}
