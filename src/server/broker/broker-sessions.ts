import type { Client } from 'aedes';
import type { Principal } from '../../core/access.ts';

/** setTimeout's longest delay; a later expiry is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Session {
  principal: Principal;
  /** Token expiry; publishes after it are refused even on an open connection. */
  expiresAt: number;
}

/**
 * The embedded broker's connections and who they are: the session of each client, a timer that
 * ends a connection when its token expires (an open connection must not outlive its token), and
 * who holds each client id now (a connection with that id by another user would take its acks).
 */
export class BrokerSessions {
  readonly #sessions = new WeakMap<Client, Session>();
  readonly #expiryTimers = new Map<Client, ReturnType<typeof setTimeout>>();
  readonly #holders = new Map<string, { client: Client; userId: string }>();

  constructor(
    private readonly now: () => number,
    private readonly onExpired: (client: Client) => void,
  ) {}

  get(client: Client): Session | undefined {
    return this.#sessions.get(client);
  }

  /** The session of a live connection; undefined when there is none or its token has expired. */
  live(client: Client): Session | undefined {
    const session = this.#sessions.get(client);
    return session && !this.isExpired(session) ? session : undefined;
  }

  isExpired(session: Session): boolean {
    return session.expiresAt <= this.now();
  }

  /** The service's own connection: no token, no expiry, no device. */
  openForService(client: Client, session: Session): void {
    this.#sessions.set(client, session);
  }

  /** A device's connection, holding its client id until it closes. */
  open(client: Client, session: Session): void {
    this.#holders.set(client.id, { client, userId: session.principal.id });
    this.#sessions.set(client, session);
    this.#armExpiry(client, session);
  }

  /** Who else holds this client id on an open connection, if anyone. */
  otherHolder(client: Client): { client: Client; userId: string } | undefined {
    const holder = this.#holders.get(client.id);
    return holder && holder.client !== client && !holder.client.closed ? holder : undefined;
  }

  /** Closes the device's open connection (a revocation); true when there was one. */
  closeDevice(deviceId: string): boolean {
    const holder = this.#holders.get(deviceId);
    if (!holder || holder.client.closed) return false;
    this.#sessions.delete(holder.client);
    holder.client.close();
    return true;
  }

  drop(client: Client): void {
    this.#sessions.delete(client);
  }

  /** Closes the open connections of these users (disabled, or given another role or scope); returns how many. */
  endUsers(userIds: ReadonlySet<string>): Client[] {
    const ended: Client[] = [];
    for (const { client, userId } of this.#holders.values()) {
      if (!userIds.has(userId) || client.closed) continue;
      this.drop(client);
      ended.push(client);
    }
    return ended;
  }

  /** The connection is gone: stop its expiry timer and free its client id. */
  forget(client: Client): void {
    clearTimeout(this.#expiryTimers.get(client));
    this.#expiryTimers.delete(client);
    if (this.#holders.get(client.id)?.client === client) this.#holders.delete(client.id);
  }

  #armExpiry(client: Client, session: Session): void {
    const delay = session.expiresAt - this.now();
    if (!Number.isFinite(delay)) return;
    const timer = setTimeout(() => {
      this.#expiryTimers.delete(client);
      if (!this.isExpired(session)) return this.#armExpiry(client, session);
      this.onExpired(client);
    }, Math.min(Math.max(delay, 0), MAX_TIMER_MS));
    timer.unref();
    this.#expiryTimers.set(client, timer);
  }
}
