import { SvelteMap } from 'svelte/reactivity';
import type { MqttClient } from 'mqtt';
import { ackSchema, type Ack } from '../../../core/events.schema.ts';
import { lineStatusSchema, oeeSnapshotSchema, type LineStatus, type OeeSnapshot } from '../../../core/live.schema.ts';
import { parseTopic, topics, type LinePath } from '../../../core/topics.ts';

/** How long incoming messages are coalesced before one render. */
const FLUSH_MS = 250;

export type LiveConnection = 'idle' | 'connecting' | 'online' | 'offline';

export interface LiveOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  lines: readonly LinePath[];
  /** Own acknowledgement topic (leads publish corrections); managers have none. */
  ackTopic?: string;
}

/**
 * Live line status and shift OEE from the broker's retained topics, for every dashboard screen.
 * mqtt.js is loaded on first use. It reconnects by itself (a wall TV must recover from a network
 * loss with nobody touching it) and the retained messages give the present again at once.
 * Messages are buffered by topic and applied at most once per FLUSH_MS, so a busy plant costs a
 * few renders a second however many lines publish, and only the newest value of a topic is parsed.
 */
class LiveManager {
  statuses = new SvelteMap<string, LineStatus>();
  snapshots = new SvelteMap<string, OeeSnapshot>();
  connection = $state<LiveConnection>('idle');
  /** Subscriptions the broker refused (SUBACK failure): shown, never silently ignored. */
  refused = $state<string[]>([]);
  /** Messages that failed to parse, for the status line. */
  invalidCount = $state(0);
  #client: MqttClient | null = null;
  #pending = new Map<string, string>();
  #isFlushScheduled = false;
  #flushedAt = 0;
  #ackWaiters = new Set<(ack: Ack) => void>();
  #generation = 0;

  /** Connects and subscribes; returns the cleanup that disconnects. */
  async start(o: LiveOptions): Promise<() => void> {
    this.stop();
    const generation = ++this.#generation;
    this.connection = 'connecting';
    const { default: mqtt } = await import('mqtt');
    if (generation !== this.#generation) return () => {};
    const filters = o.lines.flatMap((l) => [topics.lineStatus(l), topics.lineOee(l)]);
    if (o.ackTopic) filters.push(o.ackTopic);
    const client = mqtt.connect(o.url, {
      username: o.username,
      password: o.password,
      clientId: o.clientId,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 2000,
      connectTimeout: 8000,
      keepalive: 20,
      resubscribe: false,
      // mqtt.js's default worker timers start a worker from a blob: URL, which the CSP refuses.
      timerVariant: 'native',
    });
    this.#client = client;
    client.on('connect', () => {
      // "Live" only once the broker answered the subscription: from then on nothing is missed.
      if (filters.length === 0) return void (this.connection = 'online');
      client.subscribe(filters, { qos: 1 }, (error, granted) => {
        if (error && error.name !== 'ErrorWithSubackPacket') return;
        this.refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        this.connection = 'online';
      });
    });
    client.on('close', () => {
      if (this.#client === client) this.connection = 'offline';
    });
    client.on('offline', () => (this.connection = 'offline'));
    client.on('error', () => (this.connection = 'offline'));
    client.on('message', (topic, payload) => this.#receive(topic, payload.toString()));
    return () => this.stop();
  }

  stop(): void {
    this.#generation++;
    this.#client?.end(true);
    this.#client = null;
    this.#pending.clear();
    // The next session may see fewer lines: nothing of this one stays on screen.
    this.statuses.clear();
    this.snapshots.clear();
    this.refused = [];
    this.connection = 'idle';
  }

  /** Publishes a batch with QoS 1 and resolves with the service's acknowledgement of these ids. */
  publishBatch(topic: string, events: readonly { id: string }[], timeoutMs = 10_000): Promise<Ack> {
    const client = this.#client;
    if (!client?.connected) return Promise.reject(new Error('not connected to the broker'));
    const ids = new Set(events.map((e) => e.id));
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error('the service did not acknowledge in time')), timeoutMs);
      const onAck = (ack: Ack) => {
        if (ack.accepted.some((id) => ids.has(id)) || ack.rejected.some((r) => r.id !== undefined && ids.has(r.id))) done(null, ack);
      };
      const done = (error: Error | null, ack?: Ack) => {
        clearTimeout(timer);
        this.#ackWaiters.delete(onAck);
        if (error) reject(error);
        else resolve(ack!);
      };
      this.#ackWaiters.add(onAck);
      client.publish(topic, JSON.stringify({ events }), { qos: 1 }, (error) => error && done(error));
    });
  }

  #receive(topic: string, payload: string): void {
    if (parseTopic(topic)?.kind === 'ack') {
      const ack = ackSchema.safeParse(safeJson(payload));
      if (ack.success) for (const w of [...this.#ackWaiters]) w(ack.data);
      return;
    }
    this.#pending.set(topic, payload);
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    // At most one render per FLUSH_MS: a lone change (a stop on a quiet line) is applied at once,
    // a busy plant is coalesced, so 50 lines at 1 Hz become 4-5 renders a second, not 100.
    setTimeout(() => this.#flush(), Math.max(0, this.#flushedAt + FLUSH_MS - Date.now()));
  }

  #flush(): void {
    this.#isFlushScheduled = false;
    this.#flushedAt = Date.now();
    const batch = [...this.#pending];
    this.#pending.clear();
    for (const [topic, payload] of batch) {
      const t = parseTopic(topic);
      if (t?.kind === 'line-status') {
        const s = lineStatusSchema.safeParse(safeJson(payload));
        if (s.success) this.statuses.set(t.line, s.data);
        else this.invalidCount++;
      } else if (t?.kind === 'line-oee') {
        const s = oeeSnapshotSchema.safeParse(safeJson(payload));
        if (s.success) this.snapshots.set(t.line, s.data);
        else this.invalidCount++;
      }
    }
  }
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

export const live = new LiveManager();
