import pg from 'pg';
import { FloorboardError } from '../../core/index.ts';

/** How often a claim is tried again while another connection holds it, or the database is away. */
const RETRY_MS = 1000;
/**
 * How long a claim held by another connection is waited for before it counts as another running
 * instance's: the server notices a dead client's connection (a host that lost power) within its
 * TCP keepalives, set short on the claim's connection (about 11 s).
 */
export const CLAIM_WAIT_MS = 15_000;
const KEEPALIVES = '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3';

export interface InstanceClaim {
  release(): Promise<void>;
}

/**
 * Makes sure no other running instance of the cluster group has this instance's id: two would
 * share one MQTT client id (`floorboard-service-<id>`) and take the connection from each other,
 * each reconnect ending the other's. The claim is a PostgreSQL session advisory lock on the group
 * and id, held on a connection of its own for the life of the instance: the database drops it
 * when the process dies, and within its short keepalives when the host does. Taken before the
 * instance connects to the broker, so a second instance with the same id stops with a clear
 * reason before it disturbs the first. If the connection is lost, the claim is taken again once
 * the database answers; if another instance holds the id after `waitMs`, `onLost` says so.
 */
export async function claimInstanceId(o: {
  databaseUrl: string;
  group: string;
  instanceId: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
  onLost: (reason: string) => void;
  waitMs?: number;
}): Promise<InstanceClaim> {
  const key = `floorboard-instance:${o.group}:${o.instanceId}`;
  const waitMs = o.waitMs ?? CLAIM_WAIT_MS;
  let client: pg.Client | null = null;
  let isReleased = false;
  let timer: NodeJS.Timeout | null = null;

  /** True when a connection of this instance now holds the claim; false when another holds it. */
  const take = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: o.databaseUrl, application_name: `floorboard-instance ${o.instanceId}`, keepAlive: true, connectionTimeoutMillis: 5000, options: KEEPALIVES });
    c.on('error', () => {}); // a lost connection is seen at 'end'
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
      if (!rows[0]?.ok || isReleased) {
        await c.end().catch(() => {});
        return isReleased;
      }
    } catch (error) {
      await c.end().catch(() => {});
      throw error;
    }
    c.once('end', () => {
      if (isReleased) return;
      client = null;
      o.log('instance id claim: database connection lost; claiming again', { instance: o.instanceId });
      void claimWithin(waitMs).then((isHeld) => {
        if (!isHeld && !isReleased) o.onLost(`instance id "${o.instanceId}" of cluster group "${o.group}" was taken by another running instance while this one's database connection was lost`);
      });
    });
    client = c;
    return true;
  };
  /** Tries until the claim is held, the database says another holds it for `within` ms, or the claim is released. */
  const claimWithin = async (within: number, isStart = false): Promise<boolean> => {
    const until = Date.now() + within;
    for (;;) {
      if (isReleased) return true;
      let isTaken = false;
      try {
        isTaken = await take();
        if (isTaken) return true;
        if (Date.now() >= until) return false;
      } catch (error) {
        // At start the service cannot run without its database anyway: said at once.
        if (isStart) throw error;
        // Later, the database away is not another instance's claim: tried on (the lease stops a leader meanwhile).
        o.log('instance id claim: database not reachable; trying again', { error: (error as Error).message });
      }
      await new Promise<void>((resolve) => (timer = setTimeout(resolve, RETRY_MS)));
    }
  };

  if (!(await claimWithin(waitMs, true)))
    throw new FloorboardError('invalid-config', `INSTANCE_ID "${o.instanceId}" is in use by another running instance of cluster group "${o.group}": give each instance an id of its own (the default is host name and process id)`);
  return {
    async release() {
      isReleased = true;
      if (timer) clearTimeout(timer);
      await (client as pg.Client | null)?.end().catch(() => {});
    },
  };
}
