import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { ackSchema, FloorboardError, topics, type Ack } from '../core/index.ts';

/** What POST /api/login answers that a CLI needs: the token and the broker login of the session. */
const loginAnswerSchema = z.object({
  token: z.string().min(1),
  mqtt: z.object({ path: z.string(), username: z.string(), password: z.string(), clientId: z.string() }),
});
export type ServiceSession = z.infer<typeof loginAnswerSchema> & { base: URL };

/** Reads an error answer of the service as "401 wrong user or password" (its own message when it has one). */
export async function describeRefusal(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: string; details?: string[] } };
    if (body.error?.message) return `${res.status} ${body.error.message}${body.error.details?.length ? `: ${body.error.details.join('; ')}` : ''}`;
  } catch {
    // Not JSON: the status text says enough.
  }
  return `${res.status} ${res.statusText || text.slice(0, 200)}`;
}

/**
 * Signs in to a plant service with user id and password, as a device of its own (least privilege:
 * the user's role decides what it may read and publish, as for anyone).
 * @throws FloorboardError 'unauthorized' with the service's reason.
 */
export async function signIn(url: string, userId: string, password: string, deviceId: string): Promise<ServiceSession> {
  const base = new URL(url);
  let res: Response;
  try {
    res = await fetch(new URL('/api/login', base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId, password, deviceId }) });
  } catch (error) {
    throw new FloorboardError('invalid-arguments', `cannot reach the service at ${url}: ${(error as Error).message}`, { cause: error });
  }
  if (!res.ok) throw new FloorboardError('unauthorized', `sign-in as ${userId} refused: ${await describeRefusal(res)}`);
  const parsed = loginAnswerSchema.safeParse(await res.json());
  if (!parsed.success) throw new FloorboardError('internal', `the service at ${url} answered the sign-in in an unknown shape`);
  return { ...parsed.data, base };
}

/** Reads a password from a file (first line) or the environment variable, never from the command line. */
export async function readPassword(
  file: string | undefined,
  env: string | undefined,
  read: (path: string) => Promise<string>,
  names: { flag: string; env: string } = { flag: '--password-file', env: 'FLOORBOARD_PASSWORD' },
): Promise<string> {
  if (file !== undefined) return (await read(file)).split(/\r?\n/, 1)[0]!;
  if (env !== undefined && env !== '') return env;
  throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [`${names.flag}: is required to sign in (or set ${names.env})`] });
}

/**
 * Connects to the session's broker over WebSocket as the session's device and subscribes to its
 * ack topic; every application ack there goes to `onAck` (anything else on it is ignored: the
 * caller's wait for the ack times out and says so).
 */
export async function connectSessionBroker(session: ServiceSession, site: string, onAck: (ack: Ack | null) => void): Promise<MqttClient> {
  const ws = new URL(session.mqtt.path, session.base);
  ws.protocol = session.base.protocol === 'https:' ? 'wss:' : 'ws:';
  const client = await mqtt.connectAsync(ws.href, { clientId: session.mqtt.clientId, username: session.mqtt.username, password: session.mqtt.password, reconnectPeriod: 0, connectTimeout: 10_000 });
  const ackTopic = topics.ack(site, session.mqtt.clientId);
  client.on('message', (topic, payload) => {
    if (topic !== ackTopic) return;
    let parsed: Ack | null = null;
    try {
      const r = ackSchema.safeParse(JSON.parse(payload.toString('utf8')));
      parsed = r.success ? r.data : null;
    } catch {
      parsed = null;
    }
    onAck(parsed);
  });
  await client.subscribeAsync(ackTopic, { qos: 1 });
  return client;
}
