import pg from 'pg';
import { afterFailure, afterForgive, verdictOf, type Guard, type GuardEntry, type GuardLimits, type GuardVerdict } from '../auth/login-guard.ts';

interface Row {
  failures: number;
  last_failure_at: string;
  next_allowed_at: string;
  locked_until: string;
}

/** Forgotten rows are swept out every this many failures (of this instance). */
const SWEEP_EVERY = 1024;

const entryOf = (r: Row | undefined): GuardEntry | undefined =>
  r && { failures: r.failures, lastFailureAt: Number(r.last_failure_at), nextAllowedAt: Number(r.next_allowed_at), lockedUntil: Number(r.locked_until) };

/**
 * The login guard of a cluster's instances (issue 16): failures counted in PostgreSQL
 * (`login_failures`, migration 33), so a guesser gets the same few attempts however a load
 * balancer spreads its logins over the instances, not a few per instance. The rules are the
 * in-memory guard's (login-guard.ts); each change of a key runs in one transaction holding its row.
 */
export class SharedLoginGuard implements Guard {
  #failuresSinceSweep = 0;
  constructor(
    private readonly pool: pg.Pool,
    /** Which guard of the service: per user or badge, or per source address. */
    private readonly name: string,
    readonly limits: GuardLimits,
  ) {}

  async check(key: string, now: number): Promise<GuardVerdict> {
    const { rows } = await this.pool.query<Row>('SELECT failures, last_failure_at, next_allowed_at, locked_until FROM login_failures WHERE guard = $1 AND key = $2', [this.name, key]);
    const { verdict, reset } = verdictOf(entryOf(rows[0]), now, this.limits);
    if (reset) await this.recordSuccess(key);
    return verdict;
  }

  async recordFailure(key: string, now: number): Promise<void> {
    await this.#change(key, (e) => afterFailure(e, now, this.limits));
    // Made-up keys (badges, addresses) each leave a row: forgotten ones are swept out now and then.
    if (++this.#failuresSinceSweep >= SWEEP_EVERY && this.limits.forgetAfterMs !== undefined) {
      this.#failuresSinceSweep = 0;
      await this.pool.query('DELETE FROM login_failures WHERE guard = $1 AND locked_until <= $2 AND last_failure_at <= $3', [this.name, now, now - this.limits.forgetAfterMs]);
    }
  }

  forgive(key: string): Promise<void> {
    return this.#change(key, (e) => (e ? afterForgive(e, this.limits) : null));
  }

  async recordSuccess(key: string): Promise<void> {
    await this.pool.query('DELETE FROM login_failures WHERE guard = $1 AND key = $2', [this.name, key]);
  }

  /** Reads the key's row locked, applies `next`, writes it back (or deletes it), in one transaction. */
  async #change(key: string, next: (e: GuardEntry | undefined) => GuardEntry | null): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Made first if missing, so two instances counting the same key's first failure both wait on one row.
      await client.query('INSERT INTO login_failures (guard, key, failures, last_failure_at, next_allowed_at, locked_until) VALUES ($1, $2, 0, 0, 0, 0) ON CONFLICT DO NOTHING', [this.name, key]);
      const { rows } = await client.query<Row>('SELECT failures, last_failure_at, next_allowed_at, locked_until FROM login_failures WHERE guard = $1 AND key = $2 FOR UPDATE', [this.name, key]);
      const known = entryOf(rows[0]);
      const e = next(known && known.failures > 0 ? known : undefined);
      if (e)
        await client.query('UPDATE login_failures SET failures = $3, last_failure_at = $4, next_allowed_at = $5, locked_until = $6 WHERE guard = $1 AND key = $2', [this.name, key, e.failures, e.lastFailureAt, e.nextAllowedAt, e.lockedUntil]);
      else await client.query('DELETE FROM login_failures WHERE guard = $1 AND key = $2', [this.name, key]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
