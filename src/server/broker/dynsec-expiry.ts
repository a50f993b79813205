import type { DynsecControl } from './dynsec-control.ts';

// Stored in the broker client's text description, so a restarted service can still expire it.
export const EXPIRY_PREFIX = 'floorboard-session-expires:';
// setTimeout holds at most 2^31-1 ms; a session timer beyond that is re-armed when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Deletes each session's broker client when its token expires; deleting a client makes Mosquitto disconnect it. */
export class SessionExpiry {
  readonly #timers = new Map<string, NodeJS.Timeout>();

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
    for (const d of details) {
      const c = (d.data as { client?: { username?: unknown; textdescription?: unknown } } | undefined)?.client;
      if (typeof c?.username !== 'string' || typeof c.textdescription !== 'string' || !c.textdescription.startsWith(EXPIRY_PREFIX)) continue;
      const expiry = Number(c.textdescription.slice(EXPIRY_PREFIX.length));
      if (Number.isFinite(expiry)) this.expireAt(c.username, expiry);
    }
  }

  /** The client is deleted by someone else (a revocation): no timer for it any more. */
  forget(username: string): void {
    clearTimeout(this.#timers.get(username));
    this.#timers.delete(username);
  }

  stop(): void {
    for (const t of this.#timers.values()) clearTimeout(t);
  }

  async #delete(username: string): Promise<void> {
    this.#timers.delete(username);
    const [r] = await this.control.send([{ command: 'deleteClient', username }]).catch((e: Error) => [{ command: 'deleteClient', error: e.message }]);
    if (r?.error && !/not found/i.test(r.error)) this.log('dynsec: could not delete an expired session', { username, error: r.error });
  }
}
