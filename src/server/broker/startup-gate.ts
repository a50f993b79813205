import type { createBrokerAuth } from './broker-auth.ts';

type BrokerAuth = ReturnType<typeof createBrokerAuth>;
type Authenticate = BrokerAuth['authenticate'];

/**
 * Until the service's ingest client has subscribed, the embedded broker holds every other
 * client's CONNECT unanswered (the service's own passes). Its sessions live in memory, so right
 * after a restart there is no subscription yet: a device that reconnected first would have its
 * batches PUBACKed by the broker and delivered to nobody, and wait its full ack timeout (15 s) to
 * send them again. Held, it is answered the moment ingest listens (within its connect timeout;
 * a refusal instead would stop mqtt.js clients, which by default do not retry a refused CONNACK).
 */
export function gateUntilIngestReady(auth: BrokerAuth, serviceUsername: string): { auth: BrokerAuth; open: () => void } {
  let held: (() => void)[] | null = [];
  const authenticate: Authenticate = (client, username, password, done) => {
    const check = () => auth.authenticate(client, username, password, done);
    if (held === null || username === serviceUsername) return check();
    held.push(check);
  };
  const open = () => {
    const waiting = held ?? [];
    held = null;
    for (const check of waiting) check();
  };
  return { auth: { ...auth, authenticate }, open };
}
