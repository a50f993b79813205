import { timingSafeEqual } from 'node:crypto';
import type { AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';
import { canPublish, canSubscribe, type Principal } from '../../core/access.ts';
import { parseTopic } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { TokenService } from '../auth/tokens.ts';

/** User name of the service's own MQTT client; not a valid plant user id (ids start with a letter or digit). */
export const SERVICE_USERNAME = '_service';

interface Session {
  principal: Principal;
  /** Token expiry; publishes after it are refused even on an open connection. */
  expiresAt: number;
}

const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;

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
  /** Told about every refusal, for the log. */
  onDenied?: (what: string, clientId: string | undefined, detail: string) => void;
}

/**
 * Aedes hooks enforcing the access rules of `core/access.ts`: a token (or the internal credential)
 * on CONNECT, with the client id bound to the token's device; every publish and subscribe is
 * checked against the principal's role and scope. Anonymous clients are refused at CONNECT.
 */
export function createBrokerAuth(options: BrokerAuthOptions) {
  const sessions = new WeakMap<Client, Session>();
  const denied = (what: string, client: Client | null, detail: string) => options.onDenied?.(what, client?.id, detail);

  return {
    sessionOf: (client: Client) => sessions.get(client),
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
          // Acks are addressed by client id: a session may only use the device id it logged in with.
          if (deviceId !== undefined && deviceId !== client.id) {
            denied('connect', client, `client id must be the device id "${deviceId}"`);
            return done(authError('client id must be the device id of the login', NOT_AUTHORIZED), false);
          }
          sessions.set(client, { principal, expiresAt });
          done(null, true);
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
      if (!session || session.expiresAt <= options.now()) {
        denied('publish', client, `${packet.topic}: session expired`);
        return callback(new Error('session expired'));
      }
      if (!canPublish(session.principal, parseTopic(packet.topic), options.index())) {
        denied('publish', client, `${packet.topic}: not allowed for ${session.principal.role} ${session.principal.id}`);
        return callback(new Error(`not allowed to publish on ${packet.topic}`));
      }
      callback(null);
    },
    authorizeSubscribe(client: Client, sub: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void) {
      const session = sessions.get(client);
      if (session && session.expiresAt > options.now() && canSubscribe(session.principal, sub.topic, options.index(), client.id)) return callback(null, sub);
      denied('subscribe', client, `${sub.topic}: not allowed`);
      // A null subscription makes Aedes answer SUBACK 0x80 (failure) and keep the connection open.
      callback(null, null);
    },
  };
}
