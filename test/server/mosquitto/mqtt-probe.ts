import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

/** A real mqtt.js client to a broker on 127.0.0.1; resolves once connected, rejects on refusal. */
export function connectTo(port: number, options: IClientOptions, clients: MqttClient[]): Promise<MqttClient> {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  clients.push(client);
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed')));
  });
}

/** SUBACK code for one filter: the granted QoS (0..2) or the failure code (0x80 on 3.1.1, 0x87 etc. on 5). */
export function subackCode(client: MqttClient, filter: string): Promise<number> {
  return new Promise((resolve, reject) =>
    client.subscribe(filter, { qos: 1 }, (error, granted) => {
      // mqtt.js reports a refused subscription as an error carrying the SUBACK.
      const packet = (error as { packet?: { granted?: number[]; reasonCode?: number } } | undefined)?.packet;
      if (packet?.granted?.[0] !== undefined) return resolve(packet.granted[0]);
      if (error) return reject(error);
      resolve(granted?.[0]?.qos ?? -1);
    }),
  );
}

/** PUBACK reason code of a QoS 1 publish (MQTT 5): 0 accepted, 135 (0x87) not authorized. */
export function pubackCode(client: MqttClient, topic: string, payload: string): Promise<number> {
  return new Promise((resolve) =>
    client.publish(topic, payload, { qos: 1 }, (error, packet) => {
      const code = (error as { code?: number } | undefined)?.code ?? (packet as { reasonCode?: number } | undefined)?.reasonCode ?? 0;
      resolve(code);
    }),
  );
}

/** Every message a client receives, by topic, from now on. */
export function recorder(client: MqttClient): { topics: string[]; payloads: Map<string, string[]> } {
  const seen = { topics: [] as string[], payloads: new Map<string, string[]>() };
  client.on('message', (topic, payload) => {
    seen.topics.push(topic);
    seen.payloads.set(topic, [...(seen.payloads.get(topic) ?? []), payload.toString('utf8')]);
  });
  return seen;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
