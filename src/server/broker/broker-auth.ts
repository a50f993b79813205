import type { AedesPublishPacket, Client, Subscription } from 'aedes';
import { canRead, canSubscribe } from '../../core/access.ts';
import { parseTopic, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { DeviceClaims } from '../auth/device-claims.ts';
import type { TokenService } from '../auth/tokens.ts';
import { BrokerSessions } from './broker-sessions.ts';
import { checkConnect, type Denied } from './connect-check.ts';
import { checkPublish } from './publish-check.ts';
import type { RefusalSeal } from './refusal-seal.ts';

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
 * Aedes hooks enforcing the access rules of `core/access.ts`, by message kind: CONNECT
 * (connect-check.ts), PUBLISH (publish-check.ts), SUBSCRIBE and each delivery (here), over the
 * connections' sessions (broker-sessions.ts).
 */
export function createBrokerAuth(options: BrokerAuthOptions) {
  const denied: Denied = (what, client, detail) => options.onDenied?.(what, client?.id, detail);
  const sessions = new BrokerSessions(options.now, (client) => {
    denied('session', client, 'token expired: connection closed');
    client.close();
  });
  return {
    sessionOf: (client: Client) => sessions.get(client),
    /** The connection is gone: stop its expiry timer. */
    forget: (client: Client) => sessions.forget(client),
    /** A new plant version changed these users: their connections end now, and they sign in again under the new one. */
    endSessionsOf(userIds: ReadonlySet<string>) {
      for (const client of sessions.endUsers(userIds)) {
        denied('session', client, 'user changed in a new plant version: connection closed');
        client.close();
      }
    },
    /** Closes the device's connection at once (a revocation); true when it had one. */
    closeDevice: (deviceId: string) => sessions.closeDevice(deviceId),
    authenticate: checkConnect.bind(null, options, sessions, denied),
    authorizePublish: checkPublish.bind(null, options, sessions, denied),
    authorizeSubscribe(client: Client, sub: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void) {
      const session = sessions.live(client);
      if (session && canSubscribe(session.principal, sub.topic, options.index(), client.id)) return callback(null, sub);
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
      if (session && !sessions.isExpired(session)) {
        if (canRead(session.principal, parseTopic(packet.topic), options.index(), client.id)) return packet;
        denied('deliver', client, `${packet.topic}: not readable by ${session.principal.role} ${session.principal.id}`);
        return null;
      }
      if (session) {
        denied('deliver', client, `${packet.topic}: token expired: connection closed`);
        sessions.drop(client);
        setImmediate(() => client.close());
      }
      return null;
    },
  };
}
