import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import type { Principal } from '../../core/access.ts';
import { FloorboardError } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { ackRole, dynsecRoles } from './dynsec-roles.ts';
import { readsOwnAck, rolesFor } from './mosquitto-scopes.ts';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;
// Stored in the broker client's text description, so a restarted service can still expire it.
const EXPIRY_PREFIX = 'floorboard-session-expires:';
// setTimeout holds at most 2^31-1 ms; a session timer beyond that is re-armed when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

const responsesSchema = z.object({
  responses: z.array(z.object({ command: z.string(), error: z.string().optional(), correlationData: z.string().optional(), data: z.unknown().optional() })),
});
type Response = z.infer<typeof responsesSchema>['responses'][number];
type Command = Record<string, unknown> & { command: string };

/** One login session to register on the broker. */
export interface BrokerSession {
  principal: Principal;
  deviceId: string;
  password: string;
  expiresAt: number;
}

/** Broker clients for login sessions on an external Mosquitto (dynamic-security plugin). */
export interface DynsecSessions {
  /** Creates the session's broker client (replacing one of the same user and device); resolves its MQTT user name. */
  open(session: BrokerSession): Promise<string>;
  close(): Promise<void>;
}

export interface DynsecOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  index: () => PlantIndex;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** How long to wait for the plugin's answer; no answer means the broker has no dynamic security for us. */
  timeoutMs?: number;
}

/** The broker user name of a session: one per user and device, so one user may sign in on several devices. */
export const sessionUsername = (userId: string, deviceId: string) => `${userId}@${deviceId}`;

/**
 * Connects to the external broker's `$CONTROL/dynamic-security/v1` API with the service's
 * credentials. Resolves null when the broker does not answer there (no plugin, or the service
 * lacks the admin role): the service then runs without per-session broker clients.
 *
 * A session becomes a broker client `<userId>@<deviceId>` with a fresh random password, bound to
 * client id = device id, holding the scope roles of `rolesFor` and its device's ack role. It is
 * deleted when the token expires; deleting a client makes Mosquitto disconnect it.
 */
export async function connectDynsec(options: DynsecOptions): Promise<DynsecSessions | null> {
  // Generous: a loaded broker answering a burst of createRole commands can take seconds; a broker
  // without the plugin refuses at once (PUBACK 0x87), so this does not slow the fallback down.
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client: MqttClient = mqtt.connect(options.url, { clientId: options.clientId, username: options.username, password: options.password, clean: true, reconnectPeriod: 1000, connectTimeout: 10_000, protocolVersion: 5 });
  const pending = new Map<string, { resolve: (r: Response[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const timers = new Map<string, NodeJS.Timeout>();
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
    if (!parsed.success) return options.log('dynsec: unreadable response', { payload: payload.toString('utf8').slice(0, 200) });
    const key = parsed.data.responses.at(-1)?.correlationData;
    const waiter = key ? pending.get(key) : undefined;
    if (!waiter || !key) return;
    pending.delete(key);
    clearTimeout(waiter.timer);
    waiter.resolve(parsed.data.responses);
  });
  client.on('error', (error) => options.log('dynsec mqtt error', { error: error.message }));

  /** Sends commands in one message; the plugin runs them in order and answers them together. */
  const send = (commands: Command[]): Promise<Response[]> =>
    new Promise((resolve, reject) => {
      const key = `fb-${process.pid}-${nextId++}`;
      const last = { ...commands.at(-1)!, correlationData: key };
      const timer = setTimeout(() => {
        pending.delete(key);
        reject(new Error(`no answer from ${CONTROL_TOPIC} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(key, { resolve, reject, timer });
      // MQTT 5: a broker without the plugin, or an account without the role, answers PUBACK 0x87 at once.
      client.publish(CONTROL_TOPIC, JSON.stringify({ commands: [...commands.slice(0, -1), last] }), { qos: 1 }, (error) => {
        if (!error || !pending.delete(key)) return;
        clearTimeout(timer);
        reject(error);
      });
    });

  const deleteClient = async (username: string) => {
    timers.delete(username);
    const [r] = await send([{ command: 'deleteClient', username }]).catch((e: Error) => [{ command: 'deleteClient', error: e.message }]);
    if (r?.error && !/not found/i.test(r.error)) options.log('dynsec: could not delete an expired session', { username, error: r.error });
  };
  const expireAt = (username: string, expiresAt: number) => {
    clearTimeout(timers.get(username));
    const delay = Math.max(0, expiresAt - options.now());
    const timer = setTimeout(() => void (delay > MAX_TIMER_MS ? expireAt(username, expiresAt) : deleteClient(username)), Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    timers.set(username, timer);
  };

  // Not reaching the broker, or being refused by it, is a configuration error: the service stops.
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new FloorboardError('invalid-config', `cannot reach the MQTT broker at ${options.url}`)), 10_000);
    client.once('connect', () => (clearTimeout(timer), resolve()));
    client.once('error', (error) => (clearTimeout(timer), reject(new FloorboardError('invalid-config', `MQTT broker refused the service: ${error.message}`, { cause: error }))));
  }).catch((error: unknown) => {
    client.end(true);
    throw error;
  });
  try {
    await client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
    // Not `verbose: true`: Mosquitto 2.0 answers "Internal error" to a verbose listing once a role
    // that clients still name has been deleted. Names first, then each client on its own.
    const [listing] = await send([{ command: 'listClients' }]);
    if (listing?.error) throw new Error(listing.error);
    // Roles of the current plant: createRole fails harmlessly for those broker-config already wrote,
    // and a station added since then gets its role without touching the broker's files.
    const created = await send(dynsecRoles(options.index()).map((r) => ({ command: 'createRole', ...r })));
    for (const r of created) if (r.error && !/already exists/i.test(r.error)) options.log('dynsec: could not create a role', { error: r.error });
    // Sessions created before a restart: expire them on time (or now).
    const names = (listing?.data as { clients?: unknown[] } | undefined)?.clients?.filter((n): n is string => typeof n === 'string') ?? [];
    const details = names.length > 0 ? await send(names.map((username) => ({ command: 'getClient', username }))) : [];
    const clients = details.flatMap((d) => {
      const c = (d.data as { client?: { username?: unknown; textdescription?: unknown } } | undefined)?.client;
      return typeof c?.username === 'string' ? [{ username: c.username, textdescription: typeof c.textdescription === 'string' ? c.textdescription : undefined }] : [];
    });
    for (const c of clients) {
      const expiry = c.textdescription?.startsWith(EXPIRY_PREFIX) ? Number(c.textdescription.slice(EXPIRY_PREFIX.length)) : NaN;
      if (Number.isFinite(expiry)) expireAt(c.username, expiry);
    }
  } catch (error) {
    options.log('external broker: no dynamic-security API for the service; tablets cannot get broker sessions', { error: (error as Error).message });
    client.end(true);
    return null;
  }
  options.log('external broker: per-session clients through dynamic security');

  return {
    async open(session) {
      const index = options.index();
      const username = sessionUsername(session.principal.id, session.deviceId);
      const roles = rolesFor(session.principal, index).map((rolename) => ({ rolename }));
      const commands: Command[] = [{ command: 'deleteClient', username }];
      if (readsOwnAck(session.principal, index)) {
        const ack = ackRole(index.site, session.deviceId);
        commands.push({ command: 'createRole', ...ack });
        roles.push({ rolename: ack.rolename });
      }
      commands.push({
        command: 'createClient',
        username,
        password: session.password,
        clientid: session.deviceId,
        textname: session.principal.name,
        textdescription: `${EXPIRY_PREFIX}${session.expiresAt}`,
        roles,
      });
      const responses = await send(commands);
      const created = responses.at(-1);
      if (!created || created.error) throw new FloorboardError('internal', `the MQTT broker refused the session client ${username}: ${created?.error ?? 'no answer'}`);
      expireAt(username, session.expiresAt);
      return username;
    },
    async close() {
      for (const t of timers.values()) clearTimeout(t);
      for (const w of pending.values()) clearTimeout(w.timer);
      // Nothing in flight is worth waiting for: expiries are swept again at the next start.
      await client.endAsync(true);
    },
  };
}
