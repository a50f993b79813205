import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { topics, type FloorEvent, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { liveMode, type DemoPlantSim } from '../../core/sim/demo-plant-sim.ts';

/** One tick every few seconds: live enough for dashboards, light on a laptop. */
const TICK_MS = 5000;

type Gateway = Extract<User, { role: 'gateway' }>;

export interface Simulator {
  stop(): Promise<void>;
}

export interface SimulatorOptions {
  index: PlantIndex;
  /** The plant's machines: continued from the backfill, or fresh (see demo-start.ts). */
  sim: DemoPlantSim;
  mqttUrl: string;
  /** MQTT credentials for a gateway user and its device id (a token on the embedded broker). */
  credentialsFor: (gateway: Gateway, deviceId: string) => Promise<{ username: string; password: string }>;
  now: () => number;
  /** Tick period; 5 s unless a test wants it faster. */
  tickMs?: number;
  /** Time between heartbeats, drawn from this range; 15-20 s unless a test wants them faster. */
  heartbeatMs?: readonly [number, number];
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * The --demo machine gateways: one MQTT client per simulated gateway, publishing what its machines
 * do (`machine.state` changes, cumulative `machine.counter` readings, a `machine.heartbeat` every
 * 15-20 s) on the signals topic of each line's machine station (machineStationOf), through the
 * broker and the normal ingest path. Events carry the gateway's own sequence, continued from the
 * backfill or from storage.
 */
export async function startSimulator(o: SimulatorOptions): Promise<Simulator> {
  const clients = new Map<string, MqttClient>();
  const gateways = new Map(o.index.plant.users.filter((u): u is Gateway => u.role === 'gateway').map((g) => [g.id, g]));
  const tickMs = o.tickMs ?? TICK_MS;
  for (const line of o.sim.lines) {
    const { userId, deviceId } = line.actors.gateway;
    const gw = gateways.get(userId);
    if (!gw || clients.has(deviceId)) continue;
    const creds = await o.credentialsFor(gw, deviceId);
    clients.set(deviceId, mqtt.connect(o.mqttUrl, { clientId: deviceId, ...creds, reconnectPeriod: 2000 }));
  }
  const start = o.now();
  for (const line of o.sim.lines) line.resample(start + tickMs);
  const tick = () => {
    const byTopic = new Map<string, { client: MqttClient; events: FloorEvent[] }>();
    for (const e of o.sim.run(o.now(), liveMode(tickMs, o.heartbeatMs), (ts) => ulid(ts))) {
      const station = o.index.stations.get(e.stationId);
      const client = clients.get(e.deviceId);
      if (!station || !client) continue;
      const topic = topics.signals(station);
      const batch = byTopic.get(topic) ?? byTopic.set(topic, { client, events: [] }).get(topic)!;
      batch.events.push(e);
    }
    for (const [topic, { client, events }] of byTopic) client.publish(topic, JSON.stringify({ events }), { qos: 1 });
  };
  const timer = setInterval(tick, tickMs);
  o.log('demo simulator started', { gateways: clients.size, machines: o.sim.lines.map((l) => l.actors.machineStationId) });
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...clients.values()].map((c) => new Promise<void>((resolve) => c.end(false, {}, () => resolve()))));
    },
  };
}
