import type { DynsecControl } from './dynsec-control.ts';

// Stored in the broker client's text description, so a restarted service can still expire it.
export const EXPIRY_PREFIX = 'floorboard-session-expires:';
// setTimeout holds at most 2^31-1 ms; a session timer beyond that is re-armed when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Deletes each session's broker client when its token expires; deleting a client makes Mosquitto disconnect it. */
export class SessionExpiry {
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Broker clients that are no login sessions (the service's account, bridges): not asked again. */
  readonly #notSessions = new Set<string>();
  #sweep: NodeJS.Timeout | null = null;

  constructor(
    private readonly control: Pick<DynsecControl, 'send'>,
    private readonly now: () => number,
    private readonly log: (message: string, fields?: Record<string, unknown>) => void,
  ) {}

  expireAt(username: string, expiresAt: number): void {
    clearTimeout(this.#timers.get(username));
    const delay = Math.max(0, expiresAt - this.now());
    const timer = setTimeout(() => void (delay > MAX_TIMER_MS ? this.expireAt(username, expiresAt) : this.#delete(username)), Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.#timers.set(username, timer);
  }

  /**
   * Sessions created before a restart: expire them on time (or now). Not `verbose: true`:
   * Mosquitto 2.0 answers "Internal error" to a verbose listing once a role that clients still name
   * has been deleted. So names first, then each client on its own.
   */
  async restore(names: readonly string[]): Promise<void> {
    const details = names.length > 0 ? await this.control.send(names.map((username) => ({ command: 'getClient', username }))) : [];
    for (const [i, d] of details.entries()) {
      const expiry = expiryOf(d.data);
      if (expiry === null) this.#notSessions.add(names[i]!);
      else this.expireAt(expiry.username, expiry.at);
    }
  }

  /**
   * Several instances of a cluster share the broker: a session one of them opened must expire even
   * if that instance is gone. Every `everyMs`, the clients this one has no timer for are read.
   */
  sweepEvery(everyMs: number): void {
    const sweep = async () => {
      const [listing] = await this.control.send([{ command: 'listClients' }]);
      const names = ((listing?.data as { clients?: unknown[] } | undefined)?.clients ?? []).filter((n): n is string => typeof n === 'string');
      await this.restore(names.filter((n) => !this.#timers.has(n) && !this.#notSessions.has(n)));
    };
    this.#sweep = setInterval(() => void sweep().catch((e: Error) => this.log('dynsec: could not read the sessions to expire', { error: e.message })), everyMs);
    this.#sweep.unref();
  }

  /** The client is deleted by someone else (a revocation): no timer for it any more. */
  forget(username: string): void {
    clearTimeout(this.#timers.get(username));
    this.#timers.delete(username);
  }

  stop(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
    if (this.#sweep) clearInterval(this.#sweep);
  }

  async #delete(username: string): Promise<void> {
    this.#timers.delete(username);
    // The same user and device may have signed in again since, through this or another instance:
    // the client then holds a later expiry, and is kept until that one.
    const [current] = await this.control.send([{ command: 'getClient', username }]).catch(() => []);
    const later = expiryOf(current?.data);
    if (later && later.at > this.now() + 1000) return this.expireAt(username, later.at);
    const [r] = await this.control.send([{ command: 'deleteClient', username }]).catch((e: Error) => [{ command: 'deleteClient', error: e.message }]);
    if (r?.error && !/not found/i.test(r.error)) this.log('dynsec: could not delete an expired session', { username, error: r.error });
  }
}

/** The expiry a session client carries in its description; null for a client that is no session. */
function expiryOf(data: unknown): { username: string; at: number } | null {
  const c = (data as { client?: { username?: unknown; textdescription?: unknown } } | undefined)?.client;
  if (typeof c?.username !== 'string' || typeof c.textdescription !== 'string' || !c.textdescription.startsWith(EXPIRY_PREFIX)) return null;
  const at = Number(c.textdescription.slice(EXPIRY_PREFIX.length));
  return Number.isFinite(at) ? { username: c.username, at } : null;
}
