import { timingSafeEqual } from 'node:crypto';
import type { AedesPublishPacket, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { canPublish, canRead, canSubscribe, type Principal } from '../../core/access.ts';
import { parseTopic, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { DeviceClaims } from '../auth/device-claims.ts';
import type { TokenService } from '../auth/tokens.ts';
import { checkPublisher } from './publisher-checks.ts';
import { refusedIds, type RefusalSeal } from './refusal-seal.ts';

/** User name of the service's own MQTT client; not a valid plant user id (ids start with a letter or digit). */
export const SERVICE_USERNAME = '_service';

/**
 * Client ids of the service's own sessions start with this. Only the service may use them: a plant
 * user connecting as `floorboard-service` would take over the ingest session (Aedes hands the
 * newcomer the session's queued QoS 1 messages, i.e. other stations' events) and knock ingest off.
 */
export const SERVICE_CLIENT_ID_PREFIX = 'floorboard-service';

/** True for a client (device) id reserved for the service. */
export const isReservedClientId = (id: string): boolean => id.startsWith(SERVICE_CLIENT_ID_PREFIX);

/** setTimeout's longest delay; a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Session {
  principal: Principal;
  /** Token expiry; publishes after it are refused even on an open connection. */
  expiresAt: number;
}

const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;
const SERVER_UNAVAILABLE = 3;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export interface BrokerAuthOptions {
  index: () => PlantIndex;
  tokens: TokenService;
  servicePassword: string;
  now: () => number;
  /** Plant users by id: whom an entry names as its author. */
  findUser: (id: string) => User | undefined;
  /** Who owns each device id: only its owner (and those it shares with) may connect with it. */
  claims: Pick<DeviceClaims, 'check'>;
  /** Told about every refusal, for the log. */
  onDenied?: (what: string, clientId: string | undefined, detail: string) => void;
  /**
   * Seals an ingest publish refused for what its events say (another device, another author, a
   * correction on events) so it goes on to ingest as a refusal: dead-lettered and acked rejected
   * to the publisher at once, its connection kept (refusal-seal.ts).
   */
  refusals: RefusalSeal;
}

/**
 * Aedes hooks enforcing the access rules of `core/access.ts`: a token (or the internal credential)
 * on CONNECT, with the client id bound to the token's device; every publish and subscribe is
 * checked against the principal's role and scope. Anonymous clients are refused at CONNECT.
 */
export function createBrokerAuth(options: BrokerAuthOptions) {
  const sessions = new WeakMap<Client, Session>();
  const expiryTimers = new Map<Client, ReturnType<typeof setTimeout>>();
  /** Who holds each client id now: a connection with that id by another user would take its acks. */
  const holders = new Map<string, { client: Client; userId: string }>();
  const denied = (what: string, client: Client | null, detail: string) => options.onDenied?.(what, client?.id, detail);

  const isExpired = (session: Session | undefined) => !session || session.expiresAt <= options.now();
  /** Ends the connection when its token expires: an open connection must not outlive its token. */
  const armExpiry = (client: Client, session: Session) => {
    const delay = session.expiresAt - options.now();
    if (!Number.isFinite(delay)) return;
    const timer = setTimeout(() => {
      expiryTimers.delete(client);
      if (!isExpired(session)) return armExpiry(client, session);
      denied('session', client, 'token expired: connection closed');
      client.close();
    }, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    timer.unref();
    expiryTimers.set(client, timer);
  };

  return {
    sessionOf: (client: Client) => sessions.get(client),
    /** The connection is gone: stop its expiry timer. */
    forget(client: Client) {
      clearTimeout(expiryTimers.get(client));
      expiryTimers.delete(client);
      if (holders.get(client.id)?.client === client) holders.delete(client.id);
    },
    authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (error: AuthenticateError | null, success: boolean | null) => void) {
      if (!username || !password) {
        denied('connect', client, 'anonymous');
        return done(authError('credentials required', NOT_AUTHORIZED), false);
      }
      const secret = password.toString('utf8');
      if (username === SERVICE_USERNAME) {
        if (!sameSecret(secret, options.servicePassword)) {
          denied('connect', client, 'bad service credential');
          return done(authError('bad credentials', BAD_CREDENTIALS), false);
        }
        sessions.set(client, { principal: { id: SERVICE_USERNAME, name: 'Floorboard service', role: 'service' }, expiresAt: Number.POSITIVE_INFINITY });
        return done(null, true);
      }
      options.tokens.verify(secret).then(
        ({ principal, deviceId, expiresAt }) => {
          if (principal.id !== username) {
            denied('connect', client, `token of ${principal.id} used as ${username}`);
            return done(authError('token does not belong to this user', BAD_CREDENTIALS), false);
          }
          if (isReservedClientId(client.id)) {
            denied('connect', client, `client id "${client.id}" is reserved for the service`);
            return done(authError('client id is reserved for the service', NOT_AUTHORIZED), false);
          }
          // Acks are addressed by client id: a session may only use the device id it logged in with.
          if (deviceId !== undefined && deviceId !== client.id) {
            denied('connect', client, `client id must be the device id "${deviceId}"`);
            return done(authError('client id must be the device id of the login', NOT_AUTHORIZED), false);
          }
          return options.claims.check(client.id, principal).then(({ ownerId, refusal: why }) => {
            // A token issued before the device was claimed (or for a device shared no more) is not enough.
            if (why) {
              denied('connect', client, why);
              return done(authError(why, NOT_AUTHORIZED), false);
            }
            // Same user (a reconnect, a half-open socket) or the device's owner: the new connection
            // takes over, as MQTT says, so nobody can lock a device out by holding its client id.
            // Another user: refused while the holder is connected, or it would be kicked off and its
            // acknowledgements read by someone else. A shared tablet's next operator waits for the
            // old socket to close (keepalive), which the tablet's reconnect with backoff rides out.
            const holder = holders.get(client.id);
            if (holder && holder.client !== client && !holder.client.closed && holder.userId !== principal.id && ownerId !== principal.id) {
              denied('connect', client, `client id "${client.id}" is in use by another user`);
              return done(authError('client id is in use by another user', NOT_AUTHORIZED), false);
            }
            const session = { principal, expiresAt };
            holders.set(client.id, { client, userId: principal.id });
            sessions.set(client, session);
            armExpiry(client, session);
            done(null, true);
          }).catch((error: unknown) => {
            denied('connect', client, `device claim not readable: ${(error as Error).message}`);
            done(authError('server unavailable', SERVER_UNAVAILABLE), false);
          });
        },
        (error: unknown) => {
          denied('connect', client, (error as Error).message);
          done(authError('invalid or expired token', BAD_CREDENTIALS), false);
        },
      );
    },
    authorizePublish(client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) {
      // client is null for messages the broker itself publishes.
      if (!client) return callback(null);
      const session = sessions.get(client);
      if (!session || isExpired(session)) {
        denied('publish', client, `${packet.topic}: session expired`);
        return callback(new Error('session expired'));
      }
      // Only the service keeps retained messages (live status and OEE). A retained entry batch would
      // be re-ingested on every resubscribe, and a retained will would outlive its sender.
      if (packet.retain && session.principal.role !== 'service') {
        denied('publish', client, `${packet.topic}: retained messages are the service's`);
        return callback(new Error(`not allowed to publish a retained message on ${packet.topic}`));
      }
      const topic = parseTopic(packet.topic);
      if (!canPublish(session.principal, topic, options.index())) {
        denied('publish', client, `${packet.topic}: not allowed for ${session.principal.role} ${session.principal.id}`);
        return callback(new Error(`not allowed to publish on ${packet.topic}`));
      }
      // The events' deviceId picks the sequence and ack topic they count against: it must be the
      // publisher's own (the client id, bound to the token's device at CONNECT); their author is
      // the signed-in user; a correction never comes on a station's events topic. A refused batch
      // never reaches ingest as events: its payload is replaced by a sealed refusal, which ingest
      // dead-letters and acks as rejected to this client. The connection stays: the device learns
      // at once which entries were refused and why, instead of resending them into closed sockets.
      if (session.principal.role !== 'service' && (topic?.kind === 'events' || topic?.kind === 'signals' || topic?.kind === 'corrections')) {
        const payload = Buffer.from(packet.payload);
        const refusal = checkPublisher(payload, client.id, session.principal, topic, options.findUser, options.index());
        if (refusal) {
          denied('publish', client, `${packet.topic}: ${refusal.message}`);
          packet.payload = options.refusals.seal({ clientId: client.id, ...refusal, ids: refusedIds(payload), payload: payload.toString('utf8') });
        }
      }
      callback(null);
    },
    authorizeSubscribe(client: Client, sub: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void) {
      const session = sessions.get(client);
      if (session && !isExpired(session) && canSubscribe(session.principal, sub.topic, options.index(), client.id)) return callback(null, sub);
      denied('subscribe', client, `${sub.topic}: not allowed`);
      // A null subscription makes Aedes answer SUBACK 0x80 (failure) and keep the connection open.
      callback(null, null);
    },
    /**
     * Delivers only what the reader may read, live or queued: a persistent session's subscriptions
     * and queue outlive the connection that made them, and the next one may be another user's.
     * Delivers nothing to a session whose token has expired (the connection is closed meanwhile).
     */
    authorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
      const session = sessions.get(client);
      if (session && !isExpired(session)) {
        if (canRead(session.principal, parseTopic(packet.topic), options.index(), client.id)) return packet;
        denied('deliver', client, `${packet.topic}: not readable by ${session.principal.role} ${session.principal.id}`);
        return null;
      }
      if (session) {
        denied('deliver', client, `${packet.topic}: token expired: connection closed`);
        sessions.delete(client);
        setImmediate(() => client.close());
      }
      return null;
    },
  };
}
