import { adminActionInsertSql, adminActionListSql, adminActionValues, fromAdminActionRow, type AdminAction, fromPlantVersionEntryRow, fromPlantVersionRow, PLANT_VERSION_LATEST_SQL, plantVersionGetSql, plantVersionInsertSql, plantVersionListSql, plantVersionValues, type PlantVersionEntry, type StoredPlantVersion } from './plant-version-codec.ts';
import pg from 'pg';
import { BUCKET_COLUMNS, checkBuckets, fromBucketRow, toBucketValues } from './bucket-codec.ts';
import { prepareDeadLetter } from './dead-letter-codec.ts';
import { checkRecords, dedupeBatch, EVENT_COLUMNS, pageFromRows, storageFailed, type EventRow } from './event-codec.ts';
import { insertEventRows } from './pg-event-insert.ts';
import { upkeepEventPartitions } from './pg-partitions.ts';
import { andonDeliveryInsertSql, andonDeliveryListSql, andonDeliveryValues, fromAndonDeliveryRow } from './andon-delivery-codec.ts';
import { SCHEMA_MIGRATIONS_SQL, migrations } from './migrations.ts';
import {
  bucketUpsertSql,
  buildBucketQuery,
  buildDeadLetterQuery,
  buildEventQuery,
  chunks,
  parseQuery,
  postgresPlaceholder,
  valuesList,
} from './query-builders.ts';
import { fromShiftReportRow, shiftReportGetSql, shiftReportInsertSql, shiftReportListSql, shiftReportValues, type ShiftReportRow } from './shift-report-codec.ts';
import { checkRunTime, EVENT_ORIGIN_COLUMNS, fromDeadLetterRow, fromDeviceClaimRow, fromDeviceRevocationRow, fromDeviceRow, revocationAction, fromEventOriginRow, fromRunRow, type RunRow } from './row-codecs.ts';
import {
  latestEventsQuerySchema,
  type LatestEventsQuery,
  type StoredEvent,
  deviceClaimSchema,
  deviceRevocationInputSchema,
  deviceSchema,
  type DeviceRevocation,
  type DeviceRevocationInput,
  type DeadLetter,
  type DeadLetterQuery,
  type Device,
  type DeviceClaim,
  type EventOrigin,
  type EventPage,
  type HourlyBucket,
  FencedWriteError,
  type StorageMarkName,
  type WriteFence,
  type InsertResult,
  type ServiceRun,
  type ShiftReportEntry,
  type StoredShiftReport,
  bucketQuerySchema,
  type BucketQuery,
  type Storage,
  type AndonDeliveryAttempt,
  type AndonDeliveryQuery,
  type UpkeepResult,
} from './storage.ts';

/** Advisory lock keys (arbitrary, fixed): one for migrations, one that orders event commits. */
const MIGRATE_LOCK = 4_660_001;
const INSERT_LOCK = 4_660_002;
/** Rows per INSERT: 14 columns x 2,000 rows stays far below PostgreSQL's 65,535 parameters. */
const ROWS_PER_INSERT = 2_000;

export interface PostgresOptions {
  /** Pool size. */
  max?: number;
  /** An idle pooled connection failed (server restart...); without a listener pg would crash the process. */
  onIdleError?: (error: Error) => void;
}

/** Connects a pool to `url` (postgres://...). Nothing is queried until the first call. */
export function openPostgresPool(url: string, options: PostgresOptions = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, application_name: 'floorboard' });
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/** A store on a pool of its own, in the database's search path (a site's service). Nothing is queried until the first call. */
export function openPostgresStorage(url: string, options: PostgresOptions = {}): Storage {
  const pool = openPostgresPool(url, options);
  return new PostgresStorage(pool, null, () => pool.end());
}

/**
 * A store in a schema of its own (made by `migrate`), on a pool it shares with other such stores:
 * every table, partition and function of it lives there and nowhere else, so many stores share one
 * database and a few connections without seeing each other's rows (the centre keeps each site in
 * one, `central/site-schema.ts`). Each of its transactions sets the schema first (`SET LOCAL`), so
 * neither a connection another store used, nor `options` in the URL, nor a pooler in between can
 * point it elsewhere. Closing it leaves the pool open: its owner ends it.
 */
export function postgresSchemaStorage(pool: pg.Pool, schema: string): Storage {
  return new PostgresStorage(pool, pg.escapeIdentifier(schema), async () => {});
}

class PostgresStorage implements Storage {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  /** The store's own schema, quoted; null: the database's search path. */
  readonly #schema: string | null;
  readonly #end: () => Promise<void>;
  #isClosed = false;

  constructor(pool: pg.Pool, schema: string | null, end: () => Promise<void>) {
    this.#pool = pool;
    this.#schema = schema;
    this.#end = end;
  }

  async #query<R extends pg.QueryResultRow>(operation: string, sql: string, params: unknown[] = []): Promise<R[]> {
    // In a schema, even a single read is a transaction: only there does the schema hold (SET LOCAL).
    if (this.#schema !== null) return this.#transaction(operation, async (client) => (await client.query<R>(sql, params)).rows);
    try {
      return (await this.#pool.query<R>(sql, params)).rows;
    } catch (error) {
      throw storageFailed(operation, error);
    }
  }

  /**
   * Takes one of the store's transaction locks. In a schema the lock is the schema's own: stores
   * sharing a database (the centre's sites) migrate and insert side by side, each in its own order.
   */
  async #lock(client: pg.PoolClient, key: number): Promise<void> {
    await (this.#schema === null ? client.query('SELECT pg_advisory_xact_lock($1)', [key]) : client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [key, this.#schema]));
  }

  /** Runs `work` in one transaction on one connection; rolls back on any error. */
  async #transaction<T>(operation: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw storageFailed(operation, error);
    }
    let isBroken = false;
    // A checked-out connection has no pool listener: if the server goes away between two queries
    // of the transaction, pg emits 'error' on it, which without a listener kills the process.
    // The next query then fails, and the connection is dropped below instead of reused.
    const onLost = () => (isBroken = true);
    client.on('error', onLost);
    try {
      await client.query(this.#schema === null ? 'BEGIN' : `BEGIN; SET LOCAL search_path TO ${this.#schema}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => (isBroken = true));
      throw storageFailed(operation, error);
    } finally {
      // A connection that cannot even roll back is dropped from the pool, not reused.
      client.removeListener('error', onLost);
      client.release(isBroken);
    }
  }

  migrate(): Promise<number[]> {
    return this.#transaction('migrate', async (client) => {
      // Two services starting together: the second waits, then finds nothing left to apply.
      await this.#lock(client, MIGRATE_LOCK);
      if (this.#schema !== null) await client.query(`CREATE SCHEMA IF NOT EXISTS ${this.#schema}`);
      await client.query(SCHEMA_MIGRATIONS_SQL.postgres);
      const done = new Set(
        (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
      );
      const applied: number[] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await client.query(migration.postgres);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          Date.now(),
        ]);
        applied.push(migration.version);
      }
      return applied;
    });
  }

  async insertEvents(records: Parameters<Storage['insertEvents']>[0]): Promise<InsertResult> {
    checkRecords(records);
    const { unique, repeated } = dedupeBatch(records);
    if (unique.length === 0) return { inserted: [], duplicates: repeated };
    const stored = await this.#transaction('insert events', async (client) => {
      // storage_seq is drawn at insert but becomes visible at commit. Serialising the writers makes
      // commit order equal sequence order, so a reader catching up with `afterSeq` never skips a
      // row that commits late with a lower number.
      await this.#lock(client, INSERT_LOCK);
      return insertEventRows(client, unique);
    });
    const inserted: string[] = [];
    const duplicates: string[] = [];
    for (const record of unique) (stored.has(record.event.id) ? inserted : duplicates).push(record.event.id);
    return { inserted, duplicates: [...duplicates, ...repeated] };
  }

  async listEvents(query?: Parameters<Storage['listEvents']>[0]): Promise<EventPage> {
    const built = buildEventQuery(query, postgresPlaceholder);
    const rows = await this.#query<EventRow & pg.QueryResultRow>('list events', built.sql, built.params);
    return pageFromRows(rows);
  }

  async findEventOrigins(ids: readonly string[]): Promise<EventOrigin[]> {
    if (ids.length === 0) return [];
    const rows = await this.#query('find event origins', `SELECT ${EVENT_ORIGIN_COLUMNS} FROM events WHERE id = ANY($1::text[])`, [[...ids]]);
    return rows.map(fromEventOriginRow);
  }

  async insertDeadLetter(input: Parameters<Storage['insertDeadLetter']>[0]): Promise<DeadLetter> {
    const l = prepareDeadLetter(input);
    const rows = await this.#query<{ id: string }>(
      'insert dead letter',
      `INSERT INTO dead_letters (received_at, topic, device_id, code, message, payload, payload_bytes, is_truncated)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [l.receivedAt, l.topic, l.deviceId ?? null, l.code, l.message, l.payload, l.payloadBytes, l.isTruncated],
    );
    return { id: Number(rows[0]?.id), ...l };
  }

  async listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return this.findDeadLetters({ limit });
  }

  async findDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    const built = buildDeadLetterQuery(query, postgresPlaceholder);
    const rows = await this.#query('find dead letters', built.sql, built.params);
    return rows.map((row) => fromDeadLetterRow(row as Parameters<typeof fromDeadLetterRow>[0]));
  }

  async upsertHourlyBuckets(rows: Parameters<Storage['upsertHourlyBuckets']>[0], fence?: WriteFence): Promise<void> {
    const buckets = checkBuckets(rows);
    if (buckets.length === 0) return;
    await this.#transaction('upsert hourly buckets', async (client) => {
      await fenced(client, fence, async () => {
        for (const chunk of chunks(buckets, ROWS_PER_INSERT)) {
          await client.query(
            bucketUpsertSql(valuesList(chunk.length, BUCKET_COLUMNS.length)),
            chunk.flatMap(toBucketValues),
          );
        }
      });
    });
  }

  async firstCorrectedTsAfter(afterSeq: number): Promise<number | null> {
    const rows = await this.#query('first corrected time after', 'SELECT min(corrected_ts) AS first FROM events WHERE storage_seq > $1', [afterSeq]);
    const first = (rows[0] as { first: string | null } | undefined)?.first;
    return first === null || first === undefined ? null : Number(first);
  }

  async readMark(name: StorageMarkName): Promise<number | null> {
    const rows = await this.#query('read mark', 'SELECT value FROM storage_marks WHERE name = $1', [name]);
    return rows[0] ? Number((rows[0] as { value: string }).value) : null;
  }

  async raiseMark(name: StorageMarkName, value: number, fence?: WriteFence): Promise<void> {
    await this.#transaction('raise mark', async (client) => {
      await fenced(client, fence, () =>
        client.query(
          `INSERT INTO storage_marks AS old (name, value) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET value = GREATEST(old.value, EXCLUDED.value)`,
          [name, value],
        ),
      );
    });
  }

  async listHourlyBuckets(query: Parameters<Storage['listHourlyBuckets']>[0]): Promise<HourlyBucket[]> {
    const built = buildBucketQuery(query, postgresPlaceholder);
    const rows = await this.#query('list hourly buckets', built.sql, built.params);
    return rows.map((row) => fromBucketRow(row as Parameters<typeof fromBucketRow>[0]));
  }

  async upsertDevice(input: Device): Promise<Device> {
    const d = parseQuery(deviceSchema, input, 'device');
    // The newest observation sets the clock offset; sequence and last-seen never move backwards.
    const rows = await this.#query(
      'upsert device',
      `INSERT INTO devices AS old (device_id, last_seq, clock_offset_ms, last_seen_at, is_clock_flagged)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (device_id) DO UPDATE SET
         last_seq = GREATEST(old.last_seq, EXCLUDED.last_seq),
         clock_offset_ms = CASE WHEN EXCLUDED.last_seen_at >= old.last_seen_at THEN EXCLUDED.clock_offset_ms ELSE old.clock_offset_ms END,
         is_clock_flagged = CASE WHEN EXCLUDED.last_seen_at >= old.last_seen_at THEN EXCLUDED.is_clock_flagged ELSE old.is_clock_flagged END,
         last_seen_at = GREATEST(old.last_seen_at, EXCLUDED.last_seen_at)
       RETURNING *`,
      [d.deviceId, d.lastSeq, d.clockOffsetMs, d.lastSeenAt, d.isClockFlagged],
    );
    return fromDeviceRow(rows[0] as Parameters<typeof fromDeviceRow>[0]);
  }

  async getDevice(deviceId: string): Promise<Device | null> {
    const rows = await this.#query('get device', 'SELECT * FROM devices WHERE device_id = $1', [deviceId]);
    return rows[0] === undefined ? null : fromDeviceRow(rows[0] as Parameters<typeof fromDeviceRow>[0]);
  }

  async claimDevice(input: DeviceClaim): Promise<DeviceClaim> {
    const c = parseQuery(deviceClaimSchema, input, 'device claim');
    // One statement: of two first sign-ins at once, exactly one claim is stored and both read it.
    const rows = await this.#query(
      'claim device',
      `WITH inserted AS (
         INSERT INTO device_claims (device_id, user_id, claimed_at) VALUES ($1, $2, $3) ON CONFLICT (device_id) DO NOTHING RETURNING *
       )
       SELECT * FROM inserted UNION ALL SELECT * FROM device_claims WHERE device_id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
      [c.deviceId, c.userId, c.claimedAt],
    );
    // A claim committed by another sign-in after this statement's snapshot: read it now.
    const row = rows[0] ?? (await this.#query('get device claim', 'SELECT * FROM device_claims WHERE device_id = $1', [c.deviceId]))[0];
    return fromDeviceClaimRow(row!);
  }

  async getDeviceClaim(deviceId: string): Promise<DeviceClaim | null> {
    const rows = await this.#query('get device claim', 'SELECT * FROM device_claims WHERE device_id = $1', [deviceId]);
    return rows[0] === undefined ? null : fromDeviceClaimRow(rows[0]);
  }

  async listDevices(): Promise<Device[]> {
    const rows = await this.#query('list devices', 'SELECT * FROM devices ORDER BY device_id');
    return rows.map((row) => fromDeviceRow(row as Parameters<typeof fromDeviceRow>[0]));
  }

  async listDeviceClaims(): Promise<DeviceClaim[]> {
    return (await this.#query('list device claims', 'SELECT * FROM device_claims ORDER BY device_id')).map(fromDeviceClaimRow);
  }

  async revokeDevice(input: DeviceRevocationInput): Promise<DeviceRevocation> {
    const r = parseQuery(deviceRevocationInputSchema, input, 'device revocation');
    return this.#transaction('revoke device', async (client) => {
      const claim = (await client.query<{ user_id: string }>('DELETE FROM device_claims WHERE device_id = $1 RETURNING user_id', [r.deviceId])).rows[0];
      const { rows } = await client.query(
        'INSERT INTO device_revocations (device_id, revoked_at, revoked_by, claimed_by, reason) VALUES ($1, $2, $3, $4, $5) RETURNING *',
        [r.deviceId, r.revokedAt, r.revokedBy, claim?.user_id ?? null, r.reason],
      );
      const stored = fromDeviceRevocationRow(rows[0] as Record<string, unknown>);
      await client.query(adminActionInsertSql(postgresPlaceholder), adminActionValues(revocationAction(stored)));
      return stored;
    });
  }

  async listDeviceRevocations(): Promise<DeviceRevocation[]> {
    return (await this.#query('list device revocations', 'SELECT * FROM device_revocations ORDER BY revoked_at, id')).map(fromDeviceRevocationRow);
  }

  async startRun(at: number): Promise<number> {
    checkRunTime('start run', at);
    const rows = await this.#query<{ id: string }>('start run', 'INSERT INTO service_runs (started_at, alive_at) VALUES ($1, $1) RETURNING id', [at]);
    return Number(rows[0]?.id);
  }

  async touchRun(runId: number, at: number): Promise<void> {
    checkRunTime('touch run', at, runId);
    await this.#query('touch run', 'UPDATE service_runs SET alive_at = GREATEST(alive_at, $1) WHERE id = $2', [at, runId]);
  }

  async endRun(runId: number, at: number): Promise<void> {
    checkRunTime('end run', at, runId);
    await this.#query('end run', 'UPDATE service_runs SET ended_at = GREATEST(alive_at, $1), alive_at = GREATEST(alive_at, $1) WHERE id = $2', [at, runId]);
  }

  async listRuns(): Promise<ServiceRun[]> {
    const rows = await this.#query<RunRow & pg.QueryResultRow>('list runs', 'SELECT * FROM service_runs ORDER BY started_at, id');
    return rows.map(fromRunRow);
  }

  async insertShiftReport(report: StoredShiftReport): Promise<boolean> {
    const rows = await this.#query<{ line_id: string }>('insert shift report', `${shiftReportInsertSql(postgresPlaceholder)} RETURNING line_id`, shiftReportValues(report));
    return rows.length === 1;
  }

  async getShiftReport(lineId: string, shiftStart: number): Promise<StoredShiftReport | null> {
    const rows = await this.#query<ShiftReportRow & pg.QueryResultRow>('get shift report', shiftReportGetSql(postgresPlaceholder), [lineId, shiftStart]);
    const row = rows[0];
    return row ? { ...fromShiftReportRow(row), model: row.model ?? '' } : null;
  }

  async listShiftReports(query: BucketQuery): Promise<ShiftReportEntry[]> {
    const { sql, params } = shiftReportListSql(postgresPlaceholder, parseQuery(bucketQuerySchema, query, 'shift report query'));
    const rows = await this.#query<ShiftReportRow & pg.QueryResultRow>('list shift reports', sql, params);
    return rows.map(fromShiftReportRow);
  }

  async lastStorageSeq(): Promise<number> {
    // The sequence column is indexed in every partition: a backward index scan per partition.
    const [row] = await this.#query<{ seq: string | null }>('last storage sequence', 'SELECT MAX(storage_seq) AS seq FROM events');
    return Number(row?.seq ?? 0);
  }

  async firstEventTimes(lineIds: readonly string[]): Promise<Map<string, number>> {
    // One indexed lookup per line (events_line_time): a GROUP BY would scan every event.
    const rows = await this.#query<{ line_id: string; ts: string | null }>(
      'first event times',
      'SELECT l.line_id, (SELECT MIN(corrected_ts) FROM events e WHERE e.line_id = l.line_id) AS ts FROM unnest($1::text[]) AS l(line_id)',
      [[...lineIds]],
    );
    const out = new Map<string, number>();
    for (const r of rows) if (r.ts !== null) out.set(r.line_id, Number(r.ts));
    return out;
  }

  async latestEventsBefore(raw: LatestEventsQuery): Promise<StoredEvent[]> {
    const q = parseQuery(latestEventsQuerySchema, raw, 'latest events query');
    // Per line and type one indexed lookup (events_line_type_time), newest first.
    const rows = await this.#query<EventRow & pg.QueryResultRow>(
      'latest events before',
      `SELECT e.* FROM unnest($1::text[]) AS l(line_id) CROSS JOIN unnest($2::text[]) AS t(type)
       CROSS JOIN LATERAL (SELECT storage_seq, ${EVENT_COLUMNS.join(', ')} FROM events
         WHERE events.line_id = l.line_id AND events.type = t.type AND events.corrected_ts < $3
         ORDER BY corrected_ts DESC, storage_seq DESC LIMIT $4) AS e
       ORDER BY e.corrected_ts, e.storage_seq`,
      [[...q.lineIds], [...q.types], q.before, q.perType],
    );
    return pageFromRows(rows).events;
  }

  async insertAndonDeliveryAttempt(attempt: AndonDeliveryAttempt): Promise<void> {
    await this.#query('insert andon delivery attempt', andonDeliveryInsertSql(postgresPlaceholder), andonDeliveryValues(attempt));
  }

  async listAndonDeliveryAttempts(query: AndonDeliveryQuery): Promise<AndonDeliveryAttempt[]> {
    const { sql, params } = andonDeliveryListSql(postgresPlaceholder, query);
    return (await this.#query('list andon delivery attempts', sql, params)).map(fromAndonDeliveryRow);
  }

  async latestPlantVersion(): Promise<StoredPlantVersion | null> {
    const [row] = await this.#query('latest plant version', PLANT_VERSION_LATEST_SQL);
    return row ? fromPlantVersionRow(row) : null;
  }

  async getPlantVersion(version: number): Promise<StoredPlantVersion | null> {
    const [row] = await this.#query('get plant version', plantVersionGetSql(postgresPlaceholder), [version]);
    return row ? fromPlantVersionRow(row) : null;
  }

  async insertPlantVersion(version: StoredPlantVersion): Promise<boolean> {
    const rows = await this.#query<{ version: number }>('insert plant version', `${plantVersionInsertSql(postgresPlaceholder)} RETURNING version`, plantVersionValues(version));
    return rows.length === 1;
  }

  async listPlantVersions(limit: number): Promise<PlantVersionEntry[]> {
    return (await this.#query('list plant versions', plantVersionListSql(postgresPlaceholder), [limit])).map(fromPlantVersionEntryRow);
  }

  async insertAdminAction(action: Omit<AdminAction, 'id'>): Promise<void> {
    await this.#query('insert admin action', adminActionInsertSql(postgresPlaceholder), adminActionValues(action));
  }

  async listAdminActions(limit: number): Promise<AdminAction[]> {
    return (await this.#query('list admin actions', adminActionListSql(postgresPlaceholder), [limit])).map(fromAdminActionRow);
  }

  async upkeep(now: number, retentionMonths?: number): Promise<UpkeepResult> {
    try {
      const transaction = <T>(operation: string, work: (client: pg.PoolClient) => Promise<T>) => this.#transaction(operation, work);
      const db = this.#schema === null ? this.#pool : { query: <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => transaction('partition upkeep', (c) => c.query<R>(sql, params)) };
      return await upkeepEventPartitions(db, transaction, now, retentionMonths);
    } catch (error) {
      throw storageFailed('partition upkeep', error);
    }
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.#end();
  }
}

/**
 * A fenced transaction waits at most 2 s for a lock, and the server ends it if its client stalls
 * mid-way for 5 s: it can neither wait long behind a lease take nor, hung, keep the lease row held.
 */
const FENCED_TRANSACTION_SQL = "SET LOCAL lock_timeout = '2s'; SET LOCAL idle_in_transaction_session_timeout = '5s'";

/**
 * The last step of a fenced write, just before its COMMIT: holds the lease row until the commit
 * (FOR SHARE: a new leader's take, an UPDATE, waits the few milliseconds to it, so no write of
 * an old leader lands after a take) and refuses the write unless the lease is still at the
 * fence's epoch. Taken last, so a renewal never waits behind the write's own work.
 */
async function holdFence(client: pg.PoolClient, fence: WriteFence): Promise<void> {
  const { rows } = await client.query<{ epoch: string }>('SELECT epoch FROM leader_leases WHERE name = $1 FOR SHARE', [fence.lease]);
  const now = rows[0] ? Number(rows[0].epoch) : null;
  if (now !== fence.epoch) throw new FencedWriteError(fence, now);
}

/** The writes of `work` in a transaction fenced by `fence` (none: as they are): timeouts first, the lease checked last. */
async function fenced(client: pg.PoolClient, fence: WriteFence | undefined, work: () => Promise<unknown>): Promise<void> {
  if (fence) await client.query(FENCED_TRANSACTION_SQL);
  await work();
  if (fence) await holdFence(client, fence);
}
