import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { topics, type FloorEvent, type Plant, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { MachineModel, seededRandom } from './machine-model.ts';

/** One tick every few seconds: live enough for dashboards, light on a laptop. */
const TICK_MS = 5000;

export interface Simulator {
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  plant: Plant;
  index: PlantIndex;
  mqttUrl: string;
  /** MQTT credentials for a gateway user and its device id (a token on the embedded broker). */
  credentialsFor: (gateway: Extract<User, { role: 'gateway' }>, deviceId: string) => Promise<{ username: string; password: string }>;
  /** Last stored sequence number of a device, so a restarted simulator continues gap-free. */
  lastSeq: (deviceId: string) => Promise<number>;
  now: () => number;
  seed?: number;
  /** Tick period; 5 s unless a test wants it faster. */
  tickMs?: number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The --demo machine gateways: for every gateway user of the plant, one MQTT client that
 * publishes `machine.state` changes and cumulative `machine.counter` values for the first
 * station of each of its lines, through the broker and the normal ingest path.
 */
export async function startSimulator(o: SimulatorOptions): Promise<Simulator> {
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];
  const gateways = o.plant.users.filter((u): u is Extract<User, { role: 'gateway' }> => u.role === 'gateway');
  let n = 0;
  for (const gw of gateways) {
    const deviceId = `sim-${gw.id}`.slice(0, 64);
    // One machine per line: the gateway's first station on it.
    const stations = [...new Map(gw.stations.flatMap((s) => (o.index.stations.get(s) ? [[o.index.stations.get(s)!.line, o.index.stations.get(s)!] as const] : []))).values()];
    if (stations.length === 0) continue;
    const creds = await o.credentialsFor(gw, deviceId);
    const client = mqtt.connect(o.mqttUrl, { clientId: deviceId, ...creds, reconnectPeriod: 2000 });
    clients.push(client);
    let seq = (await o.lastSeq(deviceId)) + 1;
    const machines = stations.map((path) => {
      const line = o.index.lines.get(path.line)!.line;
      return { path, model: new MachineModel({ products: line.products }, seededRandom((o.seed ?? 42) + n++), o.now()) };
    });
    const tickMs = o.tickMs ?? TICK_MS;
    const tick = () => {
      const now = o.now();
      for (const m of machines) {
        const t = m.model.tick(now, tickMs);
        const envelope = { v: 1 as const, deviceId, ts: now, author: gw.id, lineId: m.path.line, stationId: m.path.station };
        const events: FloorEvent[] = [];
        if (t.state) events.push({ ...envelope, id: ulid(now), seq: seq++, type: 'machine.state', state: t.state });
        events.push({ ...envelope, id: ulid(now), seq: seq++, type: 'machine.counter', productId: t.productId, total: t.total, rejectTotal: t.rejectTotal });
        client.publish(topics.signals(m.path), JSON.stringify({ events }), { qos: 1 });
      }
    };
    timers.push(setInterval(tick, tickMs));
  }
  o.log('demo simulator started', { gateways: clients.length });
  return {
    async stop() {
      for (const t of timers) clearInterval(t);
      await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.end(false, {}, () => resolve()))));
    },
  };
}
