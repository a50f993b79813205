import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { FloorboardError, EVENT_SCHEMA_VERSION, type FloorEvent, type Plant } from '../core/index.ts';
import type { StationConnector } from '../core/gateway/connector.schema.ts';
import { machineEventId } from '../core/gateway/machine-event-id.ts';
import { onNodeChanges, type NodeChange, type SignalPayload } from '../core/gateway/station-signals.ts';
import { FileQueue } from './file-queue.ts';
import { GatewayState } from './gateway-state.ts';
import { nodeKey, watchStation, type StationWatch } from './station-watch.ts';
import { linkToService, type ServiceLink } from './service-link.ts';
import { startHealthReporter, type HealthReporter } from './health-reporter.ts';

/** The version of this code base (package.json), reported to the admins' device list. */
const APP_VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface GatewayOptions {
  plant: Plant;
  serviceUrl: string;
  userId: string;
  password: string;
  deviceId: string;
  dataDir: string;
  env: Record<string, string | undefined>;
  log: (message: string) => void;
  backoff?: { initialMs: number; maxMs: number };
  /** Seconds between connector health reports when nothing changes (default 10). */
  healthEverySec?: number;
}

export interface Gateway {
  /** The stations it reads, by id. */
  stations: string[];
  queue: FileQueue;
  machineConnected: (stationId: string) => boolean;
  health: HealthReporter;
  readonly serviceConnected: boolean;
  close: () => Promise<void>;
}

interface Served {
  stationId: string;
  lineId: string;
  areaId: string;
  connector: StationConnector;
}

/** The stations of the gateway user that have a connector in the plant file. */
export function servedStations(plant: Plant, userId: string): Served[] {
  const user = plant.users.find((u) => u.id === userId);
  if (!user || user.role !== 'gateway') throw new FloorboardError('invalid-arguments', `"${userId}" is not a gateway user of the plant file`);
  const mine = new Set(user.stations);
  const served = plant.areas.flatMap((a) => a.lines.flatMap((l) => l.stations.filter((s) => mine.has(s.id) && s.connector).map((s) => ({ stationId: s.id, lineId: l.id, areaId: a.id, connector: s.connector! }))));
  if (served.length === 0) throw new FloorboardError('invalid-arguments', `no station of gateway user "${userId}" has a connector in the plant file`);
  return served;
}

/**
 * `floorboard gateway` (ADR 0013): reads each served station's machine (OPC UA, Modbus TCP), turns value
 * changes into Floorboard's own signals (core), queues them durably, sends a heartbeat while the
 * machine is connected (and none while it is not, so the service shows no data), and sends the
 * queue to the service through its normal ingest.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const served = servedStations(options.plant, options.userId);
  await mkdir(options.dataDir, { recursive: true });
  const queue = await FileQueue.open(options.dataDir);
  const state = await GatewayState.open(options.dataDir);
  const byId = new Map(served.map((s) => [s.stationId, s]));
  const link: ServiceLink = linkToService({
    url: options.serviceUrl,
    userId: options.userId,
    password: options.password,
    deviceId: options.deviceId,
    site: options.plant.site.id,
    queue,
    stationPath: (id) => ({ site: options.plant.site.id, area: byId.get(id)!.areaId, line: byId.get(id)!.lineId, station: id }),
    log: options.log,
    appVersion: APP_VERSION,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  const health = startHealthReporter({
    deviceId: options.deviceId,
    stations: served.map((s) => ({ stationId: s.stationId, protocol: s.connector.protocol })),
    send: link.reportHealth,
    everySec: options.healthEverySec ?? 10,
  });
  // Events are numbered as they happen (seq gap-free and in order) and written in groups: one
  // append and one state save for all that came while the last group was written, not one each.
  let waiting: FloorEvent[] = [];
  let writing: Promise<void> | null = null;
  const write = async () => {
    while (waiting.length) {
      const group = waiting;
      waiting = [];
      try {
        await queue.append(group);
        await state.save();
        link.wake();
      } catch (error) {
        options.log(`cannot queue ${group.length} event(s): ${(error as Error).message}`);
      }
    }
    writing = null;
  };
  const emit = (s: Served, node: string, ts: number, payload: SignalPayload | { type: 'machine.heartbeat' }) => {
    waiting.push({ v: EVENT_SCHEMA_VERSION, id: machineEventId(options.deviceId, node, ts), deviceId: options.deviceId, seq: state.nextSeq(), ts, author: options.userId, lineId: s.lineId, stationId: s.stationId, ...payload } as FloorEvent);
    writing ??= write();
  };
  const watches = new Map<string, StationWatch>();
  const timers: NodeJS.Timeout[] = [];
  for (const s of served) {
    const user = s.connector.protocol === 'opcua' || s.connector.protocol === 'sparkplug' ? s.connector.user : undefined;
    const password = user ? options.env[user.passwordEnv] : undefined;
    if (user && password === undefined) options.log(`station ${s.stationId}: environment variable ${user.passwordEnv} is not set; signing in to the machine with an empty password`);
    const hooks = {
      log: (m: string) => options.log(`station ${s.stationId}: ${m}`),
      ...(options.backoff ? { backoff: options.backoff } : {}),
      onError: (message: string) => health.error(s.stationId, message),
      onConnected: (up: boolean) => {
        health.connected(s.stationId, up);
        if (up) emit(s, `heartbeat|${s.stationId}`, Date.now(), { type: 'machine.heartbeat' });
      },
      onChange: (change: NodeChange) => hooks.onChanges([change]),
      onChanges: (changes: NodeChange[]) => {
        health.value(s.stationId);
        const { memory, signals } = onNodeChanges(s.connector, state.memory(s.stationId), changes);
        state.setMemory(s.stationId, memory);
        const ts = changes[0]?.sourceTs ?? Date.now();
        for (const { role, signal } of signals) emit(s, nodeKey(s.connector, role), changes.find((c) => c.role === role)?.sourceTs ?? ts, signal);
      },
    };
    watches.set(s.stationId, watchStation(s.connector, hooks, { password, pkiDir: options.dataDir }));
    // Heartbeats only while the machine answers: a lost connection falls silent and becomes "no data" (ADR 0009).
    const beat = setInterval(() => {
      if (watches.get(s.stationId)?.connected) emit(s, `heartbeat|${s.stationId}`, Date.now(), { type: 'machine.heartbeat' });
    }, s.connector.heartbeatSec * 1000);
    timers.push(beat);
  }
  return {
    stations: served.map((s) => s.stationId),
    queue,
    machineConnected: (id) => watches.get(id)?.connected ?? false,
    health,
    get serviceConnected() {
      return link.connected;
    },
    async close() {
      for (const t of timers) clearInterval(t);
      health.stop();
      await Promise.all([...watches.values()].map((w) => w.close()));
      await writing;
      await link.close();
    },
  };
}
