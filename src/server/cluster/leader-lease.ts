import pg from 'pg';

/** How long a lease lasts after its last renewal: a dead leader is replaced within this plus one try. */
export const LEASE_TTL_MS = 5000;
/** How often the leader renews, and how often the others try to take the lease. */
export const LEASE_TRY_MS = 1000;
/**
 * The leader stops acting this long before its lease could have expired on the database's clock:
 * covers the time between sending a renewal and the database stamping it, and timer lateness.
 */
const FENCE_MARGIN_MS = 500;

export interface LeaderLease {
  /** The epoch this instance leads under (each new leader's is higher); null while it does not lead. */
  readonly epoch: number | null;
  /** True while this instance leads and its lease cannot have run out: publish and write only then. */
  isHeld(): boolean;
  /** Stops trying; a leader gives its lease up at once, so another takes over without waiting out the TTL. */
  stop(): Promise<void>;
}

export interface LeaderLeaseOptions {
  databaseUrl: string;
  /** The lease's name: the cluster group. */
  name: string;
  /** This instance (shown in the lease row). */
  holder: string;
  onElected: (epoch: number) => void;
  /** The lease was lost while leading (renewal refused, or not renewed in time). */
  onLost: (reason: string) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** Trouble with the lease (a slow or failed renewal, a loss): what an operator must see. */
  warn?: (message: string, fields?: Record<string, unknown>) => void;
  ttlMs?: number;
  tryMs?: number;
}

/**
 * A leader elected with a lease row in PostgreSQL (`leader_leases`, migration 32), not a session
 * advisory lock: a leader that hangs (a stalled host, a long pause) keeps its connection and so
 * would keep an advisory lock for ever, while its lease runs out on the database's clock and
 * another instance takes over. Each take raises the row's epoch, which orders the leaders: the
 * live snapshots carry it in their version. The leader fences itself: it acts only until its
 * last renewal's send time plus the TTL (less a margin), which is before the database lets anyone
 * else take the lease (ADR 0017).
 */
export async function startLeaderLease(o: LeaderLeaseOptions): Promise<LeaderLease> {
  const ttlMs = o.ttlMs ?? LEASE_TTL_MS;
  const tryMs = o.tryMs ?? LEASE_TRY_MS;
  // One connection is enough; a pool reconnects after a database restart. A query or connect that
  // hangs (a half-open connection) gives up within the TTL: the try ends, the lease counts as lost
  // if its time is up, and the next try runs on a fresh connection. Meanwhile `isHeld` turns false
  // at the fence, so nothing is published. (Not a timer apart from the tries: a leader whose event
  // loop was blocked for a while must ask the database, not give up on the clock alone.)
  const pool = new pg.Pool({
    connectionString: o.databaseUrl,
    max: 1,
    application_name: `floorboard-lease ${o.holder}`,
    connectionTimeoutMillis: ttlMs,
    query_timeout: ttlMs,
    keepAlive: true,
    // The server gives up a lock wait (behind a fenced write's commit, or a hung one) before the
    // client gives up the query: an abandoned query must not leave its backend waiting.
    options: `-c lock_timeout=${Math.floor(ttlMs / 2)}`,
  });
  pool.on('error', (error) => o.log('leader lease: database connection lost', { error: error.message }));
  let epoch: number | null = null;
  /** performance.now() until which the lease is surely ours. */
  let fenceAt = 0;
  let isStopped = false;
  let timer: NodeJS.Timeout | null = null;

  const take = async (): Promise<number | null> => {
    const { rows } = await pool.query<{ epoch: string }>(
      `INSERT INTO leader_leases (name, holder, epoch, expires_at) VALUES ($1, $2, 1, clock_timestamp() + $3 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, epoch = leader_leases.epoch + 1, expires_at = EXCLUDED.expires_at
       WHERE leader_leases.expires_at < clock_timestamp()
       RETURNING epoch`,
      [o.name, o.holder, ttlMs],
    );
    return rows[0] ? Number(rows[0].epoch) : null;
  };
  const renew = async (held: number): Promise<boolean> => {
    const { rowCount } = await pool.query(
      `UPDATE leader_leases SET expires_at = clock_timestamp() + $4 * interval '1 millisecond' WHERE name = $1 AND holder = $2 AND epoch = $3`,
      [o.name, o.holder, held, ttlMs],
    );
    return rowCount === 1;
  };
  /** Once lost, the lease is not tried again: the process stops (onLost), and must not lead meanwhile. */
  const lose = (reason: string) => {
    if (epoch === null) return;
    warn('leader lease lost', { epoch, reason });
    epoch = null;
    isStopped = true;
    if (timer) clearTimeout(timer);
    o.onLost(reason);
  };

  const warn = o.warn ?? o.log;
  /** When the last try ended: a try that starts much later means the event loop was held up. */
  let lastTryEnd = performance.now();

  async function attempt(): Promise<void> {
    const sentAt = performance.now();
    const lateMs = Math.round(sentAt - lastTryEnd - tryMs);
    if (epoch !== null && lateMs > tryMs) warn('leader lease: renewal started late (the event loop was busy)', { lateMs, epoch });
    try {
      if (epoch === null) {
        const taken = await take();
        if (taken !== null && !isStopped) {
          epoch = taken;
          fenceAt = sentAt + ttlMs - FENCE_MARGIN_MS;
          o.log('leader lease taken', { epoch: taken, holder: o.holder });
          o.onElected(taken);
        }
      } else if (await renew(epoch)) {
        const tookMs = Math.round(performance.now() - sentAt);
        if (tookMs > tryMs) warn('leader lease: slow renewal', { tookMs, epoch });
        // Renewed under the same epoch: nobody led meanwhile, however late this answer is read (a
        // blocked event loop). Past the fence `isHeld` was false, so nothing was published; the
        // next renewal, sent from now, opens it again.
        fenceAt = sentAt + ttlMs - FENCE_MARGIN_MS;
      } else lose('another instance holds the lease');
    } catch (error) {
      warn('leader lease: database unreachable', { error: (error as Error).message });
      // The database cannot tell whether another instance took the lease once it could: stop.
      if (epoch !== null && performance.now() >= fenceAt) lose(`not renewed within ${ttlMs} ms`);
    }
  }

  function schedule(): void {
    if (isStopped) return;
    timer = setTimeout(
      () =>
        void attempt().finally(() => {
          lastTryEnd = performance.now();
          schedule();
        }),
      tryMs,
    );
    timer.unref();
  }

  await attempt();
  schedule();
  return {
    get epoch() {
      return epoch;
    },
    isHeld: () => epoch !== null && performance.now() < fenceAt,
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      const held = epoch;
      epoch = null;
      if (held !== null)
        await pool
          .query(`UPDATE leader_leases SET expires_at = clock_timestamp() - interval '1 millisecond' WHERE name = $1 AND holder = $2 AND epoch = $3`, [o.name, o.holder, held])
          .catch((error: unknown) => o.log('leader lease: could not give the lease up; it runs out by itself', { error: (error as Error).message }));
      await pool.end().catch(() => {});
    },
  };
}
