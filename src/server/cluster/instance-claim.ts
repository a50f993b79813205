import pg from 'pg';
import { FloorboardError } from '../../core/index.ts';

/** How often a claim whose connection was lost is tried again. */
const RECLAIM_MS = 2000;

export interface InstanceClaim {
  release(): Promise<void>;
}

/**
 * Makes sure no other running instance of the cluster group has this instance's id: two would
 * share one MQTT client id (`floorboard-service-<id>`) and take the connection from each other,
 * each reconnect ending the other's. The claim is a PostgreSQL session advisory lock on the group
 * and id, held on a connection of its own for the life of the instance: the database drops it
 * when the process dies. Taken before the instance connects to the broker, so a second instance
 * with the same id stops with a clear reason before it disturbs the first. If the connection is
 * lost, the claim is taken again once the database answers; if another instance took the id
 * meanwhile, `onLost` says so.
 */
export async function claimInstanceId(o: {
  databaseUrl: string;
  group: string;
  instanceId: string;
  log: (message: string, fields?: Record<string, unknown>) => void;
  onLost: (reason: string) => void;
}): Promise<InstanceClaim> {
  const key = `floorboard-instance:${o.group}:${o.instanceId}`;
  let client: pg.Client | null = null;
  let isReleased = false;
  let timer: NodeJS.Timeout | null = null;

  /** True when this connection now holds the claim. */
  const take = async (): Promise<boolean> => {
    const c = new pg.Client({ connectionString: o.databaseUrl, application_name: `floorboard-instance ${o.instanceId}`, keepAlive: true, connectionTimeoutMillis: 5000 });
    c.on('error', () => {}); // a lost connection is seen at 'end'
    await c.connect();
    const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [key]);
    if (!rows[0]?.ok) {
      await c.end().catch(() => {});
      return false;
    }
    c.once('end', () => {
      if (isReleased) return;
      client = null;
      o.log('instance id claim: database connection lost; claiming again', { instance: o.instanceId });
      timer = setTimeout(reclaim, RECLAIM_MS);
    });
    client = c;
    return true;
  };
  const reclaim = async (): Promise<void> => {
    timer = null;
    if (isReleased) return;
    try {
      if (!(await take())) o.onLost(`instance id "${o.instanceId}" of cluster group "${o.group}" was taken by another running instance while the database connection was lost`);
    } catch (error) {
      o.log('instance id claim: database not reachable; trying again', { error: (error as Error).message });
      timer = setTimeout(reclaim, RECLAIM_MS);
    }
  };

  if (!(await take()))
    throw new FloorboardError('invalid-config', `INSTANCE_ID "${o.instanceId}" is in use by another running instance of cluster group "${o.group}": give each instance an id of its own (the default is host name and process id)`);
  return {
    async release() {
      isReleased = true;
      if (timer) clearTimeout(timer);
      await (client as pg.Client | null)?.end().catch(() => {});
    },
  };
}
