import type { MqttClient } from 'mqtt';

/** What the sync engine needs from a broker connection: nothing mqtt.js-specific leaks out. */
export interface BrokerLink {
  /** Publishes with QoS 1; resolves on PUBACK (which proves nothing about storage, see ack topic). */
  publish(topic: string, payload: string): Promise<void>;
  end(): void;
}

export interface LinkHandlers {
  onMessage(topic: string, payload: string): void;
  onClose(): void;
  /** The nice-to-have topics (`extras`) the broker refused (SUBACK failure): to be shown, never ignored. */
  onRefused?(filters: readonly string[]): void;
}

/** Parameters of `openMqttLink`, for whoever is handed the opener (the sync engine, its tests). */
export type OpenLink = typeof openMqttLink;

/**
 * Opens one MQTT-over-WebSocket connection: the app's only user of mqtt.js (tablet and dashboards). mqtt.js is loaded here with a dynamic import so it
 * is not part of the first screen's JS. Its own reconnect is off: each reconnect is a fresh client,
 * because mqtt.js replays its in-memory QoS 1 queue on reconnect, and a message the broker refuses
 * would then block everything behind it (Aedes closes on a denied publish; ADR 0001).
 */
export async function openMqttLink(
  url: string,
  auth: { username: string; password: string; clientId: string },
  /** The topic the link is for (a device's acks): a refusal fails the connection. Null: none. */
  subscribe: string | null,
  handlers: LinkHandlers,
  connectTimeoutMs = 8000,
  /** Nice-to-have topics (live status): a refusal here does not fail the connection. */
  extras: readonly string[] = [],
): Promise<BrokerLink> {
  const { default: mqtt } = await import('mqtt');
  const client: MqttClient = mqtt.connect(url, {
    ...auth,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: connectTimeoutMs,
    keepalive: 30,
    queueQoSZero: false,
    // The default worker timer is created from a blob: URL, which the service's CSP (worker-src 'self') forbids.
    timerVariant: 'native',
  });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: unknown) => {
      client.end(true);
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    client.once('connect', () => {
      if (subscribe === null) return resolve();
      client.subscribe(subscribe, { qos: 1 }, (error, granted) => {
        if (error) return fail(error);
        if (granted?.some((g) => g.qos === 128)) return fail(new Error(`subscription to ${subscribe} refused`));
        resolve();
      });
    });
    client.once('error', fail);
    client.once('close', () => fail(new Error('connection closed before it was ready')));
  });
  if (extras.length > 0)
    client.subscribe([...extras], { qos: 0 }, (_error, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (refused.length > 0) handlers.onRefused?.(refused);
    });
  let isClosed = false;
  client.on('message', (topic, payload) => handlers.onMessage(topic, payload.toString()));
  client.on('close', () => {
    if (isClosed) return;
    isClosed = true;
    client.end(true);
    handlers.onClose();
  });
  client.on('error', () => client.end(true));
  return {
    publish: (topic, payload) =>
      new Promise((resolve, reject) => client.publish(topic, payload, { qos: 1 }, (error) => (error ? reject(error) : resolve()))),
    end: () => {
      isClosed = true;
      client.end(true);
    },
  };
}
