import type { Client, PublishPacket } from 'aedes';
import { canPublish } from '../../core/access.ts';
import { parseTopic } from '../../core/index.ts';
import type { BrokerAuthOptions } from './broker-auth.ts';
import type { BrokerSessions } from './broker-sessions.ts';
import type { Denied } from './connect-check.ts';
import { checkPublisher } from './publisher-checks.ts';
import { refusedIds } from './refusal-seal.ts';

/** PUBLISH: a live session, no retained messages but the service's, the topic in scope, and the events its own. */
export function checkPublish(o: BrokerAuthOptions, sessions: BrokerSessions, denied: Denied, client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void {
  // client is null for messages the broker itself publishes.
  if (!client) return callback(null);
  const session = sessions.live(client);
  if (!session) {
    denied('publish', client, `${packet.topic}: session expired`);
    return callback(new Error('session expired'));
  }
  const topic = parseTopic(packet.topic);
  // Only the service keeps retained messages (live status and OEE), and a gateway its own connector
  // health (the latest is what counts). A retained entry batch would be re-ingested on every
  // resubscribe, and a retained will would outlive its sender.
  if (packet.retain && session.principal.role !== 'service' && topic?.kind !== 'connector-health') {
    denied('publish', client, `${packet.topic}: retained messages are the service's`);
    return callback(new Error(`not allowed to publish a retained message on ${packet.topic}`));
  }
  if (!canPublish(session.principal, topic, o.index(), client.id)) {
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
    const refusal = checkPublisher(payload, client.id, session.principal, topic, o.findUser, o.index());
    if (refusal) {
      denied('publish', client, `${packet.topic}: ${refusal.message}`);
      packet.payload = o.refusals.seal({ clientId: client.id, ...refusal, ids: refusedIds(payload), payload: payload.toString('utf8') });
    }
  }
  callback(null);
}
