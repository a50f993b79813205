import { timingSafeEqual } from 'node:crypto';
import type { AuthenticateError, Client } from 'aedes';
import { isReservedClientId } from '../auth/reserved-client-ids.ts';
import type { BrokerAuthOptions } from './broker-auth.ts';
import type { BrokerSessions } from './broker-sessions.ts';

/** User name of the service's own MQTT client; not a valid plant user id (ids start with a letter or digit). */
export const SERVICE_USERNAME = '_service';

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

export type Denied = (what: string, client: Client | null, detail: string) => void;
export type ConnectDone = (error: AuthenticateError | null, success: boolean | null) => void;

/**
 * CONNECT: the service's own credential, or a token with the client id bound to the token's
 * device, a device claim that lets this user use it, and nobody else connected with that id.
 * Anonymous clients are refused.
 */
export function checkConnect(o: BrokerAuthOptions, sessions: BrokerSessions, denied: Denied, client: Client, username: string | undefined, password: Buffer | undefined, done: ConnectDone): void {
  if (!username || !password) {
    denied('connect', client, 'anonymous');
    return done(authError('credentials required', NOT_AUTHORIZED), false);
  }
  const secret = password.toString('utf8');
  if (username === SERVICE_USERNAME) {
    if (!sameSecret(secret, o.servicePassword)) {
      denied('connect', client, 'bad service credential');
      return done(authError('bad credentials', BAD_CREDENTIALS), false);
    }
    sessions.openForService(client, { principal: { id: SERVICE_USERNAME, name: 'Floorboard service', role: 'service' }, expiresAt: Number.POSITIVE_INFINITY });
    return done(null, true);
  }
  o.tokens.verify(secret).then(
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
      return o.claims
        .check(client.id, principal)
        .then(({ ownerId, refusal: why }) => {
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
          const holder = sessions.otherHolder(client);
          if (holder && holder.userId !== principal.id && ownerId !== principal.id) {
            denied('connect', client, `client id "${client.id}" is in use by another user`);
            return done(authError('client id is in use by another user', NOT_AUTHORIZED), false);
          }
          sessions.open(client, { principal, expiresAt });
          done(null, true);
        })
        .catch((error: unknown) => {
          denied('connect', client, `device claim not readable: ${(error as Error).message}`);
          done(authError('server unavailable', SERVER_UNAVAILABLE), false);
        });
    },
    (error: unknown) => {
      denied('connect', client, (error as Error).message);
      done(authError('invalid or expired token', BAD_CREDENTIALS), false);
    },
  );
}
