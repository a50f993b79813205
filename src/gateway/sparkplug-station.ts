import mqtt, { type MqttClient } from 'mqtt';
import * as sparkplugPayload from 'sparkplug-payload';
import type { SparkplugConnector } from '../core/gateway/connector.schema.ts';
import type { NodeChange, NodeRole } from '../core/gateway/station-signals.ts';
import type { ModbusWatch, ModbusWatchOptions } from './modbus-station.ts';

/** As a Modbus watch's (one message's metrics apply together), with the broker password. */
export type SparkplugWatchOptions = Omit<ModbusWatchOptions, 'connector'> & { connector: SparkplugConnector; password: string | undefined };
export type SparkplugWatch = ModbusWatch;

type Payload = ReturnType<NonNullable<ReturnType<typeof sparkplugPayload.get>>['decodePayload']>;
type Metric = NonNullable<Payload['metrics']>[number];

const codec = sparkplugPayload.get('spBv1.0')!;
/** Applied in this order within one message: the code and product qualify the state and counts beside them. */
const APPLY_ORDER: readonly NodeRole[] = ['faultCode', 'product', 'state', 'counter', 'rejectCounter'];

/** A protobuf 64-bit value (long.js) or a plain one, as a JavaScript value. */
function plain(v: unknown): unknown {
  const long = v as { toNumber?: unknown } | null;
  if (long !== null && typeof long === 'object' && typeof long.toNumber === 'function') return (long.toNumber as () => number).call(long);
  return v;
}

/**
 * Reads one machine from Sparkplug B (specification 3.0) on any MQTT broker: its edge node's
 * NBIRTH, NDATA and NDEATH, or with `deviceId` that device's DBIRTH, DDATA and DDEATH.
 * - Metric aliases are learned from the BIRTH; DATA names metrics by alias.
 * - Sequence numbers (0-255) are checked per edge node: a gap, or DATA before any BIRTH, asks the
 *   edge node to be born again (NCMD "Node Control/Rebirth"), as the specification says.
 * - A DEATH (an NDEATH of the current bdSeq, or the device's DDEATH) means the machine is gone:
 *   not connected, so the gateway's heartbeats stop and the line shows no data.
 * - A payload that does not decode is an error for the connector's health, never a crash.
 */
export function watchSparkplug(o: SparkplugWatchOptions): SparkplugWatch {
  const c = o.connector;
  const now = o.now ?? Date.now;
  const base = `spBv1.0/${c.groupId}`;
  const roleOf = new Map<string, NodeRole>(Object.entries(c.nodes).flatMap(([role, name]) => (name ? [[name as string, role as NodeRole]] : [])));
  const aliases = new Map<number, string>();
  let lastSeq: number | null = null;
  let bdSeq: number | null = null;
  let isBorn = false;
  let isUp = false;
  let lastRebirthAt = -Infinity;
  const setUp = (up: boolean) => {
    if (up === isUp) return;
    isUp = up;
    o.onConnected(up);
  };

  const client: MqttClient = mqtt.connect(c.broker, {
    clientId: `floorboard-spb-${Math.random().toString(36).slice(2, 10)}`,
    reconnectPeriod: o.backoff?.initialMs ?? 2000,
    connectTimeout: 10_000,
    ...(c.user ? { username: c.user.name, password: o.password ?? '' } : {}),
  });
  client.on('connect', () => {
    const filters = [`${base}/+/${c.edgeNodeId}`, ...(c.deviceId ? [`${base}/+/${c.edgeNodeId}/${c.deviceId}`] : [])];
    client.subscribe(filters, { qos: 0 }, (error) => {
      if (error) return o.onError(`cannot subscribe to ${filters.join(', ')}: ${error.message}`);
      // Born before we listened: ask for a BIRTH to learn the aliases and the current values.
      if (!isBorn) rebirth('no BIRTH seen yet');
    });
  });
  client.on('close', () => setUp(false));
  client.on('error', (error) => o.onError(`MQTT: ${error.message}`));

  let pending: NodeJS.Timeout | null = null;
  function rebirth(why: string): void {
    // At most one request per 5 s (an edge node answers with a BIRTH, not with every request); one
    // asked for meanwhile goes out when the 5 s are over.
    const wait = lastRebirthAt + 5000 - now();
    if (wait > 0) {
      pending ??= setTimeout(() => {
        pending = null;
        rebirth(why);
      }, wait);
      return;
    }
    lastRebirthAt = now();
    o.log(`asking edge node ${c.edgeNodeId} for a rebirth: ${why}`);
    const payload = codec.encodePayload({ timestamp: now(), metrics: [{ name: 'Node Control/Rebirth', type: 'Boolean', value: true }] });
    client.publish(`${base}/NCMD/${c.edgeNodeId}`, Buffer.from(payload), { qos: 0 });
  }

  function changesOf(metrics: readonly Metric[], at: number): NodeChange[] {
    const out: NodeChange[] = [];
    for (const m of metrics) {
      const name = m.name ?? (m.alias !== undefined && m.alias !== null ? aliases.get(Number(plain(m.alias))) : undefined);
      const role = name === undefined ? undefined : roleOf.get(name);
      if (!role || m.isNull) continue;
      out.push({ role, value: plain(m.value), sourceTs: m.timestamp !== undefined && m.timestamp !== null ? Number(plain(m.timestamp)) : at });
    }
    return out.sort((a, b) => APPLY_ORDER.indexOf(a.role) - APPLY_ORDER.indexOf(b.role));
  }

  function learnAliases(metrics: readonly Metric[]): void {
    for (const m of metrics) if (m.name && m.alias !== undefined && m.alias !== null) aliases.set(Number(plain(m.alias)), m.name);
  }

  /** True when the sequence follows on; a gap asks for a rebirth. */
  function inSequence(p: Payload, kind: string): boolean {
    const seq = p.seq === undefined || p.seq === null ? null : Number(plain(p.seq));
    if (seq === null) return true;
    const expected = lastSeq === null ? null : (lastSeq + 1) % 256;
    lastSeq = seq;
    if (expected === null || seq === expected) return true;
    rebirth(`${kind} with seq ${seq}, expected ${expected}`);
    return false;
  }

  client.on('message', (topic, buffer) => {
    const parts = topic.split('/');
    const kind = parts[2];
    const isDevice = parts.length === 5;
    let p: Payload;
    try {
      p = codec.decodePayload(new Uint8Array(buffer));
    } catch (error) {
      o.onError(`${kind ?? topic}: not a Sparkplug B payload (${(error as Error).message})`);
      return;
    }
    const metrics = p.metrics ?? [];
    const at = p.timestamp !== undefined && p.timestamp !== null ? Number(plain(p.timestamp)) : now();
    const isMine = c.deviceId ? isDevice : !isDevice;
    switch (kind) {
      case 'NBIRTH': {
        if (pending) clearTimeout(pending);
        pending = null;
        aliases.clear();
        learnAliases(metrics);
        lastSeq = p.seq === undefined || p.seq === null ? 0 : Number(plain(p.seq));
        const bd = metrics.find((m) => m.name === 'bdSeq');
        bdSeq = bd ? Number(plain(bd.value)) : null;
        isBorn = true;
        if (!c.deviceId) {
          o.onChanges(changesOf(metrics, at));
          setUp(true);
        }
        return;
      }
      case 'NDEATH': {
        const bd = metrics.find((m) => m.name === 'bdSeq');
        // A DEATH of an earlier session (its will, delivered late) says nothing about this one.
        if (bd && bdSeq !== null && Number(plain(bd.value)) !== bdSeq) return;
        isBorn = false;
        lastSeq = null;
        setUp(false);
        return;
      }
      case 'DBIRTH':
      case 'NDATA':
      case 'DDATA':
      case 'DDEATH': {
        if (!isBorn) return rebirth(`${kind} before any NBIRTH`);
        inSequence(p, kind);
        if (kind === 'DBIRTH') learnAliases(metrics);
        if (!isMine) return;
        if (kind === 'DDEATH') return setUp(false);
        const changes = changesOf(metrics, at);
        if (metrics.some((m) => !m.name && m.alias !== undefined && m.alias !== null && !aliases.has(Number(plain(m.alias))))) rebirth(`${kind} names an alias its BIRTH did not`);
        if (changes.length) o.onChanges(changes);
        if (kind === 'DBIRTH') setUp(true);
        return;
      }
      default:
        return; // NCMD, DCMD, STATE: not the machine's data.
    }
  });

  return {
    get connected() {
      return isUp;
    },
    close: () => {
      if (pending) clearTimeout(pending);
      return new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
    },
  };
}
