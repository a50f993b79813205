import mqtt, { type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import { FloorboardError, MAX_PAYLOAD_BYTES } from '../../core/index.ts';
import { MAX_GROUP_MESSAGES } from './group-commit.ts';
import type { Outgoing } from './ingest-handler.ts';

/** Messages received and not yet committed, at most: two full groups. */
export const MAX_UNCOMMITTED = 2 * MAX_GROUP_MESSAGES;
/** Payload bytes received and not yet committed, at most (64 messages of the largest size allowed). */
export const MAX_UNCOMMITTED_BYTES = 64 * MAX_PAYLOAD_BYTES;

export interface ServiceClientOptions {
  url: string;
  username: string;
  password: string;
  /** Fixed, so the broker keeps the session (and queues QoS 1 messages) while the service is away. */
  clientId: string;
  /**
   * MQTT 5 where the broker speaks it (`auto`: 5, then 3.1.1 if the broker refuses it). The
   * embedded broker speaks 3.1.1 (4).
   */
  protocolVersion?: 4 | 5 | 'auto';
  /**
   * `persistent` (default): the broker keeps the session and queues for it while the service is
   * away. `clean`: the session ends with the connection; for a member of a shared subscription,
   * whose kept session would go on taking its share of messages while it is dead (Mosquitto),
   * where the devices' resend after their ack timeout brings what it had not committed.
   */
  session?: 'persistent' | 'clean';
  filters: string[];
  /** Subscribed at QoS 0 on every connect, also to a resumed session: reports that are not worth queueing (device reports). */
  liveFilters?: string[];
  /** Commits one message; the PUBACK goes only after it resolves. Rejecting withholds the PUBACK. */
  handle: (topic: string, payload: Buffer) => Promise<Outgoing[]>;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ServiceClient {
  client: MqttClient;
  publish(topic: string, payload: string, options?: { retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

/**
 * The service's MQTT connection: a persistent session (clean: false) with QoS 1 subscriptions to
 * the ingest filters. Each PUBACK goes only after its message is committed, so a crash between
 * receipt and commit leaves the message unacknowledged and the broker delivers it again.
 *
 * mqtt.js hands over one message at a time and sends its PUBACK when `handleMessage` calls back
 * (`customHandleAcks` is the same, and MQTT 5 only: MQTT.js issues 691, 1299, 1423). Waiting for
 * the commit there would serialise the commits, one transaction per message. Instead the service
 * calls back at once and holds the PUBACK itself (in `_sendPacket`, the one place every packet
 * goes through) until `handle` resolves: messages keep flowing, `handle` commits those that
 * arrive meanwhile together, and PUBACKs are released in receipt order (resolution order).
 * A held PUBACK is dropped if the connection changed meanwhile (the broker redelivers instead),
 * and a failed commit drops the connection without any PUBACK.
 */
export async function connectServiceClient(options: ServiceClientOptions): Promise<ServiceClient> {
  if (options.protocolVersion !== 'auto') return connectAs(options, options.protocolVersion ?? 4);
  try {
    return await connectAs(options, 5);
  } catch (error) {
    // CONNACK 1 (3.1.1: unacceptable protocol version) or 0x84 (5: unsupported protocol version).
    const code = (error as { code?: unknown }).code;
    if (code !== 1 && code !== 132) throw error;
    options.log('the broker does not speak MQTT 5: connecting with 3.1.1');
    return connectAs(options, 4);
  }
}

async function connectAs(options: ServiceClientOptions, protocolVersion: 4 | 5): Promise<ServiceClient> {
  const isPersistent = (options.session ?? 'persistent') === 'persistent';
  const clientOptions: IClientOptions = {
    clientId: options.clientId,
    username: options.username,
    password: options.password,
    protocolVersion,
    clean: !isPersistent,
    // MQTT 5 ends a session with its connection unless told otherwise: as long as the broker allows.
    ...(protocolVersion === 5 && isPersistent ? { properties: { sessionExpiryInterval: 0xffffffff } } : {}),
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    // A persistent session is resumed by the broker; resubscribe is harmless and covers a lost session.
    resubscribe: true,
    // mqtt.js's debug logging costs a call per packet even when off; the service logs what matters itself.
    log: () => {},
  };
  const client = mqtt.connect(options.url, clientOptions);
  const internals = client as unknown as { _sendPacket?: SendPacket };
  // A private method of mqtt.js 5: refuse to run without it rather than PUBACK before the commit.
  if (typeof internals._sendPacket !== 'function') {
    client.end(true);
    throw new FloorboardError('internal', 'mqtt.js has no _sendPacket: the PUBACK-after-commit hook needs updating');
  }
  const send = internals._sendPacket.bind(client);
  /** PUBACKs to send once their message is committed, by packet id (unique while unacknowledged). */
  const held = new Map<number, Promise<void>>();
  let uncommitted = 0;
  let uncommittedBytes = 0;
  const isFull = () => uncommitted >= MAX_UNCOMMITTED || uncommittedBytes >= MAX_UNCOMMITTED_BYTES;
  /** mqtt.js's callback for the newest message, while too many are uncommitted. */
  let paused: { callback: () => void; stream: MqttClient['stream'] } | null = null;
  internals._sendPacket = (packet, cb, ...rest) => {
    const commit = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!commit) return send(packet, cb, ...rest);
    held.delete(packet.messageId!);
    const stream = client.stream;
    void commit.then(
      () => {
        if (client.stream === stream && client.connected) send(packet);
      },
      () => {},
    );
    cb?.(); // mqtt.js moves on to the next message now
  };
  client.handleMessage = (packet: Packet, callback: (error?: Error) => void) => {
    if (packet.cmd !== 'publish') return callback();
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const stream = client.stream;
    let handled: Promise<Outgoing[]>;
    try {
      handled = options.handle(packet.topic, payload);
    } catch (error) {
      // A throw here would escape into mqtt.js's packet handling: make it a failed commit instead.
      handled = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const committed = handled.then(
      (outgoing) => {
        // Acks go out before the PUBACK; they are not awaited (a lost ack is recovered by the
        // device resending, which is then acked as a duplicate).
        for (const o of outgoing) client.publish(o.topic, o.payload, { qos: 1 }, (error) => error && options.log('ack publish failed', { topic: o.topic, error: error.message }));
      },
      (error: unknown) => {
        options.log('ingest failed; message left unacknowledged for redelivery', { topic: packet.topic, error: (error as Error).message });
        // No PUBACK: drop the connection so the broker redelivers on the resumed session.
        if (client.stream === stream) stream.destroy();
        throw error;
      },
    );
    if (packet.qos === 1 && packet.messageId !== undefined) held.set(packet.messageId, committed);
    // Backpressure: beyond MAX_UNCOMMITTED messages or MAX_UNCOMMITTED_BYTES, take the next one
    // only when enough are settled, so a broker with a large backlog (Aedes has no in-flight
    // limit) cannot flood memory.
    uncommitted++;
    uncommittedBytes += payload.length;
    const settle = () => {
      uncommitted--;
      uncommittedBytes -= payload.length;
      if (!paused || isFull()) return;
      const next = paused;
      paused = null;
      // A callback of a connection that is gone would send its PUBACK on the new one.
      if (client.stream === next.stream) next.callback();
    };
    committed.then(settle, settle);
    if (!isFull()) callback();
    else paused = { callback, stream };
  };
  client.on('error', (error) => options.log('service mqtt error', { error: error.message }));
  const live = options.liveFilters ?? [];
  if (live.length > 0)
    client.on('connect', () =>
      client.subscribe(live, { qos: 0 }, (error, granted) => {
        const refused = granted?.filter((g) => g.qos === 128).map((g) => g.topic) ?? [];
        if (error || refused.length) options.log('broker refused a live subscription', { filters: refused, error: error?.message });
      }),
    );
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('connect', (connack) => {
      client.off('error', onError);
      if (connack.sessionPresent) return resolve();
      client.subscribe(
        options.filters.map((f) => f),
        { qos: 1 },
        (error, granted) => {
          const refused = granted?.filter((g) => g.qos === 128) ?? [];
          if (!error && !refused.length) return resolve();
          // Not left connected (and reconnecting) behind a start that failed.
          client.end(true);
          reject(error ?? new Error(`broker refused subscriptions: ${refused.map((g) => g.topic).join(', ')}`));
        },
      );
    });
    client.once('error', onError);
  });
  return {
    client,
    publish: (topic, payload, opts = {}) =>
      new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1, retain: opts.retain ?? false }, (error) => (error ? reject(error) : resolve()))),
    close: () => new Promise<void>((resolve) => client.end(false, {}, () => resolve())),
  };
}
