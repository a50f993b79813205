/**
 * Load generator of bench/ingest.bench.ts, run as a child process: several publishing connections
 * (each waits for its app-level acks) and one subscriber that only counts what the broker delivers.
 * Receives its parameters over IPC and answers { ackMs, rawMs, acked, raw }.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { ulid } from 'ulid';
import { topics } from '../src/core/index.ts';

interface LoadParams {
  url: string;
  site: string;
  connections: number;
  perConnection: number;
  batch: number;
  /** Password per client id (`bench-<i>`), and `admin` for the counter. */
  credentials: Record<string, string>;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** `n` as 8 Crockford base32 digits (the tail of a ULID). */
function crockford(n: number): string {
  let out = '';
  for (let i = 0; i < 8; i++, n = Math.floor(n / 32)) out = CROCKFORD[n % 32] + out;
  return out;
}

function connect(url: string, username: string, password: string, clientId: string): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const c = mqtt.connect(url, { username, password, clientId, reconnectPeriod: 0 });
    c.once('connect', () => resolve(c));
    c.once('error', reject);
  });
}

async function load(p: LoadParams) {
  const topic = topics.events({ site: p.site, area: 'assembly', line: 'line-a', station: 'a1' });
  const total = p.connections * p.perConnection;
  const counter = await connect(p.url, 'admin', p.credentials.admin!, 'bench-counter');
  // Only counts messages (each holds `batch` events but the last of a connection): parsing
  // them would measure this process, not the broker.
  const messagesPerConnection = Math.ceil(p.perConnection / p.batch);
  const expected = p.connections * messagesPerConnection;
  let raw = 0;
  let rawDone = 0;
  counter.on('message', () => {
    raw++;
    if (raw >= expected) rawDone ||= performance.now();
  });
  await new Promise<void>((r) => counter.subscribe(topics.ingestFilters(p.site)[0]!, { qos: 1 }, () => r()));
  let acked = 0;
  let ackDone = 0;
  const publishers = await Promise.all(
    Array.from({ length: p.connections }, async (_, i) => {
      const deviceId = `bench-${i}`;
      const c = await connect(p.url, 'op-a', p.credentials[deviceId]!, deviceId);
      await new Promise<void>((r) => c.subscribe(topics.ack(p.site, deviceId), { qos: 1 }, () => r()));
      c.on('message', (_t, payload) => {
        acked += (JSON.parse(payload.toString()) as { accepted: string[] }).accepted.length;
        if (acked >= total) ackDone ||= performance.now();
      });
      const now = Date.now();
      // One random ULID prefix per connection, then a counter: ulid() per event would dominate the setup.
      const prefix = ulid(now).slice(0, 18);
      const batches: string[] = [];
      for (let seq = 0; seq < p.perConnection; seq += p.batch) {
        const events = [];
        for (let k = seq; k < Math.min(seq + p.batch, p.perConnection); k++)
          events.push({ v: 1, id: prefix + crockford(k), deviceId, seq: k, ts: now - 60_000 + Math.floor(k / 10), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'count', productId: 'widget', good: 1, reject: 0 });
        batches.push(JSON.stringify({ events }));
      }
      return { c, batches };
    }),
  );
  const start = performance.now();
  const cpuBefore = process.cpuUsage();
  for (const pub of publishers) for (const b of pub.batches) pub.c.publish(topic, b, { qos: 1 });
  const deadline = Date.now() + 300_000;
  while ((!ackDone || !rawDone) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  for (const pub of publishers) pub.c.end(true);
  counter.end(true);
  const cpu = process.cpuUsage(cpuBefore);
  return { ackMs: (ackDone || performance.now()) - start, rawMs: (rawDone || performance.now()) - start, acked, raw: Math.min(total, raw * p.batch), cpuUs: cpu.user + cpu.system };
}

process.once('message', (params) => {
  load(params as LoadParams).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
