import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { FloorboardError } from '../../core/index.ts';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;

const responsesSchema = z.object({
  responses: z.array(z.object({ command: z.string(), error: z.string().optional(), correlationData: z.string().optional(), data: z.unknown().optional() })),
});
export type DynsecResponse = z.infer<typeof responsesSchema>['responses'][number];
export type DynsecCommand = Record<string, unknown> & { command: string };

/** The plugin's command API: commands go in one message, their answers come back together. */
export interface DynsecControl {
  /** Subscribes to the answers; before it, `send` waits in vain. */
  listen(): Promise<void>;
  send(commands: DynsecCommand[]): Promise<DynsecResponse[]>;
  close(): Promise<void>;
}

export interface DynsecControlOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
  timeoutMs: number;
}

/**
 * Connects for `$CONTROL/dynamic-security/v1` over MQTT 5. Not
 * reaching the broker, or being refused by it, is a configuration error: the service stops.
 */
export async function connectDynsecControl(o: DynsecControlOptions): Promise<DynsecControl> {
  const client: MqttClient = mqtt.connect(o.url, { clientId: o.clientId, username: o.username, password: o.password, clean: true, reconnectPeriod: 1000, connectTimeout: 10_000, protocolVersion: 5 });
  const pending = new Map<string, { resolve: (r: DynsecResponse[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 0;
  client.on('message', (topic, payload) => {
    if (topic !== RESPONSE_TOPIC) return;
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = responsesSchema.safeParse(json);
    if (!parsed.success) return o.log('dynsec: unreadable response', { payload: payload.toString('utf8').slice(0, 200) });
    const key = parsed.data.responses.at(-1)?.correlationData;
    const waiter = key ? pending.get(key) : undefined;
    if (!waiter || !key) return;
    pending.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(parsed.data.responses);
  });
  client.on('error', (error) => o.log('dynsec mqtt error', { error: error.message }));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new FloorboardError('invalid-config', `cannot reach the MQTT broker at ${o.url}`)), 10_000);
    client.once('connect', () => (clearTimeout(timer), resolve()));
    client.once('error', (error) => (clearTimeout(timer), reject(new FloorboardError('invalid-config', `MQTT broker refused the service: ${error.message}`, { cause: error }))));
  }).catch((error: unknown) => {
    client.end(true);
    throw error;
  });

  const close = async () => {
    for (const w of pending.values()) clearTimeout(w.timer);
    // Nothing in flight is worth waiting for: expiries are swept again at the next start.
    await client.endAsync(true);
  };
  return {
    listen: async () => void (await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 })),
    send: (commands) =>
      new Promise((resolve, reject) => {
        const key = `fb-${process.pid}-${nextId++}`;
        const last = { ...commands.at(-1)!, correlationData: key };
        const timer = setTimeout(() => {
          pending.delete(key);
          reject(new Error(`no answer from ${CONTROL_TOPIC} within ${o.timeoutMs} ms`));
        }, o.timeoutMs);
        pending.set(key, { resolve, reject, timer });
        // MQTT 5: a broker without the plugin, or an account without the role, answers PUBACK 0x87 at once.
        client.publish(CONTROL_TOPIC, JSON.stringify({ commands: [...commands.slice(0, -1), last] }), { qos: 1 }, (error) => {
          if (!error || !pending.delete(key)) return;
          clearTimeout(timer);
          reject(error);
        });
      }),
    close,
  };
}
