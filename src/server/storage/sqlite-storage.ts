import { adminActionInsertSql, adminActionListSql, adminActionValues, fromAdminActionRow, type AdminAction, fromPlantVersionEntryRow, fromPlantVersionRow, PLANT_VERSION_LATEST_SQL, plantVersionGetSql, plantVersionInsertSql, plantVersionListSql, plantVersionValues, type PlantVersionEntry, type StoredPlantVersion } from './plant-version-codec.ts';
import Database from 'better-sqlite3';
import { prepareDeadLetter } from './dead-letter-codec.ts';
import { BUCKET_COLUMNS, checkBuckets, fromBucketRow, toBucketValues } from './bucket-codec.ts';
import { checkRecords, dedupeBatch, EVENT_COLUMNS, pageFromRows, storageFailed, toRowValues, type EventRow } from './event-codec.ts';
import { andonDeliveryInsertSql, andonDeliveryListSql, andonDeliveryValues, fromAndonDeliveryRow } from './andon-delivery-codec.ts';
import { SCHEMA_MIGRATIONS_SQL, migrations } from './migrations.ts';
import {
  checkRunTime,
  EVENT_ORIGIN_COLUMNS,
  fromDeadLetterRow,
  fromDeviceClaimRow,
  fromDeviceRevocationRow,
  revocationAction,
  fromDeviceRow,
  fromEventOriginRow,
  fromRunRow,
  type DeadLetterRow,
  type DeviceRow,
  type RunRow,
} from './row-codecs.ts';
import { bucketUpsertSql, buildBucketQuery, buildDeadLetterQuery, buildEventQuery, parseQuery, sqlitePlaceholder } from './query-builders.ts';
import { SqliteEventWriter, type EventRowSql } from './sqlite-event-writer.ts';
import { fromShiftReportRow, shiftReportGetSql, shiftReportInsertSql, shiftReportListSql, shiftReportValues, type ShiftReportRow } from './shift-report-codec.ts';
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
  type StorageMarkName,
  type InsertResult,
  type ServiceRun,
  type ShiftReportEntry,
  type StoredShiftReport,
  bucketQuerySchema,
  type BucketQuery,
  type Storage,
  type AndonDeliveryAttempt,
  type AndonDeliveryQuery,
  type StoredEventInput,
  type UpkeepResult,
} from './storage.ts';

/**
 * Rows per multi-row insert statement, largest first: 100 x 14 columns is far below SQLite's
 * parameter limit (32,766), and fewer, larger statements cost less CPU per event than 25 rows did.
 */
const INSERT_CHUNKS = [100, 10, 1] as const;
const placeholders = (n: number) => `(${Array.from({ length: n }, () => '?').join(', ')})`;

/** The statements of the event writer thread (see sqlite-event-writer.ts). */
const EVENT_ROW_SQL: EventRowSql = {
  lookupSql: 'SELECT id FROM events WHERE id IN (SELECT value FROM json_each(?))',
  insertSql: Object.fromEntries(
    INSERT_CHUNKS.map((rows) => [
      rows,
      `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${Array(rows).fill(placeholders(EVENT_COLUMNS.length)).join(', ')} ON CONFLICT (id) DO NOTHING`,
    ]),
  ),
  chunks: INSERT_CHUNKS,
  width: EVENT_COLUMNS.length,
};

/**
 * Opens (creating if needed) a SQLite database file. WAL lets readers run beside the one writer;
 * synchronous=NORMAL in WAL mode stays consistent after a crash and may only lose the last
 * commits on power loss, which the devices' outboxes resend (they keep entries until acked).
 */
export function openSqliteStorage(file: string): Storage {
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
  } catch (error) {
    throw storageFailed(`open ${file}`, error);
  }
  return new SqliteStorage(db, new SqliteEventWriter(file, EVENT_ROW_SQL));
}

class SqliteStorage implements Storage {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement>();
  /** Event inserts run on a worker thread with its own connection (docs/adr/0006). */
  readonly #events: SqliteEventWriter;

  constructor(db: Database.Database, events: SqliteEventWriter) {
    this.#db = db;
    this.#events = events;
  }

  /** Statements are prepared on first use (after migrate) and kept: preparing is the slow part. */
  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async #run<T>(operation: string, work: () => T): Promise<T> {
    try {
      return work();
    } catch (error) {
      throw storageFailed(operation, error);
    }
  }

  async migrate(): Promise<number[]> {
    const applied = await this.#migrateSchema();
    try {
      // A write of no rows: the event writer thread opens its connection and prepares its
      // statements now, so a problem shows at start rather than at the first event.
      await this.#events.write([], []);
    } catch (error) {
      throw storageFailed('open the event writer', error);
    }
    return applied;
  }

  #migrateSchema(): Promise<number[]> {
    return this.#run('migrate', () => {
      this.#db.exec(SCHEMA_MIGRATIONS_SQL.sqlite);
      const applied: number[] = [];
      const apply = this.#db.transaction(() => {
        const done = new Set(
          (this.#db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version),
        );
        for (const migration of migrations) {
          if (done.has(migration.version)) continue;
          this.#db.exec(migration.sqlite);
          this.#db
            .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
            .run(migration.version, migration.name, Date.now());
          applied.push(migration.version);
        }
      });
      // IMMEDIATE takes the write lock first, so two processes migrating at once run one after the other.
      apply.immediate();
      return applied;
    });
  }

  async insertEvents(records: readonly StoredEventInput[]): Promise<InsertResult> {
    try {
      checkRecords(records);
      const { unique, repeated } = dedupeBatch(records);
      if (unique.length === 0) return { inserted: [], duplicates: repeated };
      // Row values are built here (they need the records) and sent flat: one packed array of
      // strings and numbers is the cheapest thing to copy to the writer thread (a pre-sized, holey
      // `new Array(n)` takes V8's slow path and costs several times as much).
      const ids: string[] = [];
      const values: unknown[] = [];
      for (const record of unique) {
        const row = toRowValues(record);
        ids.push(row[0]);
        for (const value of row) values.push(value);
      }
      const stored = await this.#events.write(ids, values);
      if (stored.length === 0) return { inserted: ids, duplicates: repeated };
      const isStored = new Set(stored);
      return { inserted: ids.filter((id) => !isStored.has(id)), duplicates: [...stored, ...repeated] };
    } catch (error) {
      throw storageFailed('insert events', error);
    }
  }

  listEvents(query?: Parameters<Storage['listEvents']>[0]): Promise<EventPage> {
    return this.#run('list events', () => {
      const built = buildEventQuery(query, sqlitePlaceholder);
      const rows = this.#prepare(built.sql).all(built.params) as EventRow[];
      return pageFromRows(rows);
    });
  }

  findEventOrigins(ids: readonly string[]): Promise<EventOrigin[]> {
    return this.#run('find event origins', () => {
      if (ids.length === 0) return [];
      const sql = `SELECT ${EVENT_ORIGIN_COLUMNS} FROM events WHERE id IN (SELECT value FROM json_each(?))`;
      return (this.#prepare(sql).all(JSON.stringify(ids)) as Record<string, unknown>[]).map(fromEventOriginRow);
    });
  }

  insertDeadLetter(input: Parameters<Storage['insertDeadLetter']>[0]): Promise<DeadLetter> {
    return this.#run('insert dead letter', () => {
      const l = prepareDeadLetter(input);
      const result = this.#prepare(
        `INSERT INTO dead_letters (received_at, topic, device_id, code, message, payload, payload_bytes, is_truncated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(l.receivedAt, l.topic, l.deviceId ?? null, l.code, l.message, l.payload, l.payloadBytes, l.isTruncated ? 1 : 0);
      return { id: Number(result.lastInsertRowid), ...l };
    });
  }

  listDeadLetters(limit: number): Promise<DeadLetter[]> {
    return this.findDeadLetters({ limit });
  }

  findDeadLetters(query: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.#run('find dead letters', () => {
      const built = buildDeadLetterQuery(query, sqlitePlaceholder);
      return (this.#prepare(built.sql).all(built.params) as DeadLetterRow[]).map(fromDeadLetterRow);
    });
  }

  // The fence is PostgreSQL's (several instances); SQLite serves one process, which needs none.
  upsertHourlyBuckets(rows: Parameters<Storage['upsertHourlyBuckets']>[0]): Promise<void> {
    return this.#run('upsert hourly buckets', () => {
      const buckets = checkBuckets(rows);
      const upsert = this.#prepare(bucketUpsertSql(placeholders(BUCKET_COLUMNS.length)));
      this.#db.transaction(() => {
        for (const bucket of buckets) upsert.run(toBucketValues(bucket));
      }).immediate();
    });
  }

  firstCorrectedTsAfter(afterSeq: number): Promise<number | null> {
    return this.#run('first corrected time after', () => (this.#prepare('SELECT min(corrected_ts) AS first FROM events WHERE storage_seq > ?').get(afterSeq) as { first: number | null }).first);
  }

  readMark(name: StorageMarkName): Promise<number | null> {
    return this.#run('read mark', () => {
      const row = this.#prepare('SELECT value FROM storage_marks WHERE name = ?').get(name) as { value: number } | undefined;
      return row ? row.value : null;
    });
  }

  raiseMark(name: StorageMarkName, value: number): Promise<void> {
    return this.#run('raise mark', () => {
      this.#prepare('INSERT INTO storage_marks (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value)').run(name, value);
    });
  }

  listHourlyBuckets(query: Parameters<Storage['listHourlyBuckets']>[0]): Promise<HourlyBucket[]> {
    return this.#run('list hourly buckets', () => {
      const built = buildBucketQuery(query, sqlitePlaceholder);
      return (this.#prepare(built.sql).all(built.params) as Parameters<typeof fromBucketRow>[0][]).map(fromBucketRow);
    });
  }

  upsertDevice(input: Device): Promise<Device> {
    return this.#run('upsert device', () => {
      const d = parseQuery(deviceSchema, input, 'device');
      // The newest observation sets the clock offset; sequence and last-seen never move backwards.
      const row = this.#prepare(
        `INSERT INTO devices (device_id, last_seq, clock_offset_ms, last_seen_at, is_clock_flagged) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (device_id) DO UPDATE SET
           last_seq = MAX(last_seq, excluded.last_seq),
           clock_offset_ms = CASE WHEN excluded.last_seen_at >= last_seen_at THEN excluded.clock_offset_ms ELSE clock_offset_ms END,
           is_clock_flagged = CASE WHEN excluded.last_seen_at >= last_seen_at THEN excluded.is_clock_flagged ELSE is_clock_flagged END,
           last_seen_at = MAX(last_seen_at, excluded.last_seen_at)
         RETURNING *`,
      ).get(d.deviceId, d.lastSeq, d.clockOffsetMs, d.lastSeenAt, d.isClockFlagged ? 1 : 0) as DeviceRow;
      return fromDeviceRow(row);
    });
  }

  getDevice(deviceId: string): Promise<Device | null> {
    return this.#run('get device', () => {
      const row = this.#prepare('SELECT * FROM devices WHERE device_id = ?').get(deviceId) as DeviceRow | undefined;
      return row === undefined ? null : fromDeviceRow(row);
    });
  }

  claimDevice(input: DeviceClaim): Promise<DeviceClaim> {
    return this.#run('claim device', () => {
      const c = parseQuery(deviceClaimSchema, input, 'device claim');
      this.#prepare('INSERT INTO device_claims (device_id, user_id, claimed_at) VALUES (?, ?, ?) ON CONFLICT (device_id) DO NOTHING').run(c.deviceId, c.userId, c.claimedAt);
      return fromDeviceClaimRow(this.#prepare('SELECT * FROM device_claims WHERE device_id = ?').get(c.deviceId) as Record<string, unknown>);
    });
  }

  getDeviceClaim(deviceId: string): Promise<DeviceClaim | null> {
    return this.#run('get device claim', () => {
      const row = this.#prepare('SELECT * FROM device_claims WHERE device_id = ?').get(deviceId) as Record<string, unknown> | undefined;
      return row === undefined ? null : fromDeviceClaimRow(row);
    });
  }

  listDevices(): Promise<Device[]> {
    return this.#run('list devices', () =>
      (this.#prepare('SELECT * FROM devices ORDER BY device_id').all() as DeviceRow[]).map(fromDeviceRow),
    );
  }

  listDeviceClaims(): Promise<DeviceClaim[]> {
    return this.#run('list device claims', () => (this.#prepare('SELECT * FROM device_claims ORDER BY device_id').all() as Record<string, unknown>[]).map(fromDeviceClaimRow));
  }

  revokeDevice(input: DeviceRevocationInput): Promise<DeviceRevocation> {
    return this.#run('revoke device', () => {
      const r = parseQuery(deviceRevocationInputSchema, input, 'device revocation');
      return this.#db.transaction(() => {
        const claim = this.#prepare('DELETE FROM device_claims WHERE device_id = ? RETURNING user_id').get(r.deviceId) as { user_id: string } | undefined;
        const row = this.#prepare('INSERT INTO device_revocations (device_id, revoked_at, revoked_by, claimed_by, reason) VALUES (?, ?, ?, ?, ?) RETURNING *').get(r.deviceId, r.revokedAt, r.revokedBy, claim?.user_id ?? null, r.reason);
        const stored = fromDeviceRevocationRow(row as Record<string, unknown>);
        this.#prepare(adminActionInsertSql(sqlitePlaceholder)).run(...adminActionValues(revocationAction(stored)));
        return stored;
      })();
    });
  }

  listDeviceRevocations(): Promise<DeviceRevocation[]> {
    return this.#run('list device revocations', () => (this.#prepare('SELECT * FROM device_revocations ORDER BY revoked_at, id').all() as Record<string, unknown>[]).map(fromDeviceRevocationRow));
  }

  startRun(at: number): Promise<number> {
    return this.#run('start run', () => {
      checkRunTime('start run', at);
      const row = this.#prepare('INSERT INTO service_runs (started_at, alive_at) VALUES (?, ?) RETURNING id').get(at, at) as { id: number };
      return row.id;
    });
  }

  touchRun(runId: number, at: number): Promise<void> {
    return this.#run('touch run', () => {
      checkRunTime('touch run', at, runId);
      this.#prepare('UPDATE service_runs SET alive_at = MAX(alive_at, ?) WHERE id = ?').run(at, runId);
    });
  }

  endRun(runId: number, at: number): Promise<void> {
    return this.#run('end run', () => {
      checkRunTime('end run', at, runId);
      this.#prepare('UPDATE service_runs SET ended_at = MAX(alive_at, ?), alive_at = MAX(alive_at, ?) WHERE id = ?').run(at, at, runId);
    });
  }

  listRuns(): Promise<ServiceRun[]> {
    return this.#run('list runs', () => (this.#prepare('SELECT * FROM service_runs ORDER BY started_at, id').all() as RunRow[]).map(fromRunRow));
  }

  insertShiftReport(report: StoredShiftReport): Promise<boolean> {
    return this.#run('insert shift report', () => this.#prepare(shiftReportInsertSql(sqlitePlaceholder)).run(...shiftReportValues(report)).changes === 1);
  }

  getShiftReport(lineId: string, shiftStart: number): Promise<StoredShiftReport | null> {
    return this.#run('get shift report', () => {
      const row = this.#prepare(shiftReportGetSql(sqlitePlaceholder)).get(lineId, shiftStart) as ShiftReportRow | undefined;
      return row ? { ...fromShiftReportRow(row), model: row.model ?? '' } : null;
    });
  }

  listShiftReports(query: BucketQuery): Promise<ShiftReportEntry[]> {
    return this.#run('list shift reports', () => {
      const { sql, params } = shiftReportListSql(sqlitePlaceholder, parseQuery(bucketQuerySchema, query, 'shift report query'));
      return (this.#db.prepare(sql).all(...params) as ShiftReportRow[]).map(fromShiftReportRow);
    });
  }

  lastStorageSeq(): Promise<number> {
    return this.#run('last storage sequence', () => (this.#prepare('SELECT MAX(storage_seq) AS seq FROM events').get() as { seq: number | null }).seq ?? 0);
  }

  firstEventTimes(lineIds: readonly string[]): Promise<Map<string, number>> {
    return this.#run('first event times', () => {
      // One indexed lookup per line (events_line_time): a GROUP BY would scan every event.
      const first = this.#prepare('SELECT MIN(corrected_ts) AS ts FROM events WHERE line_id = ?');
      const out = new Map<string, number>();
      for (const id of lineIds) {
        const row = first.get(id) as { ts: number | null };
        if (row.ts !== null) out.set(id, row.ts);
      }
      return out;
    });
  }

  latestEventsBefore(raw: LatestEventsQuery): Promise<StoredEvent[]> {
    return this.#run('latest events before', () => {
      const q = parseQuery(latestEventsQuerySchema, raw, 'latest events query');
      // One indexed lookup per line and type (events_line_type_time), newest first.
      const stmt = this.#prepare(
        `SELECT storage_seq, ${EVENT_COLUMNS.join(', ')} FROM events WHERE line_id = ? AND type = ? AND corrected_ts < ? ORDER BY corrected_ts DESC, storage_seq DESC LIMIT ?`,
      );
      const rows: EventRow[] = [];
      for (const line of q.lineIds) for (const type of q.types) rows.push(...(stmt.all(line, type, q.before, q.perType) as EventRow[]));
      return pageFromRows(rows).events.sort((a, b) => a.correctedTs - b.correctedTs || a.storageSeq - b.storageSeq);
    });
  }

  insertAndonDeliveryAttempt(attempt: AndonDeliveryAttempt): Promise<void> {
    return this.#run('insert andon delivery attempt', () => {
      this.#prepare(andonDeliveryInsertSql(sqlitePlaceholder)).run(...andonDeliveryValues(attempt));
    });
  }

  listAndonDeliveryAttempts(query: AndonDeliveryQuery): Promise<AndonDeliveryAttempt[]> {
    return this.#run('list andon delivery attempts', () => {
      const { sql, params } = andonDeliveryListSql(sqlitePlaceholder, query);
      return (this.#db.prepare(sql).all(...params) as Record<string, unknown>[]).map(fromAndonDeliveryRow);
    });
  }

  latestPlantVersion(): Promise<StoredPlantVersion | null> {
    return this.#run('latest plant version', () => {
      const row = this.#prepare(PLANT_VERSION_LATEST_SQL).get() as Record<string, unknown> | undefined;
      return row ? fromPlantVersionRow(row) : null;
    });
  }

  getPlantVersion(version: number): Promise<StoredPlantVersion | null> {
    return this.#run('get plant version', () => {
      const row = this.#prepare(plantVersionGetSql(sqlitePlaceholder)).get(version) as Record<string, unknown> | undefined;
      return row ? fromPlantVersionRow(row) : null;
    });
  }

  insertPlantVersion(version: StoredPlantVersion): Promise<boolean> {
    return this.#run('insert plant version', () => this.#prepare(plantVersionInsertSql(sqlitePlaceholder)).run(...plantVersionValues(version)).changes === 1);
  }

  listPlantVersions(limit: number): Promise<PlantVersionEntry[]> {
    return this.#run('list plant versions', () => (this.#prepare(plantVersionListSql(sqlitePlaceholder)).all(limit) as Record<string, unknown>[]).map(fromPlantVersionEntryRow));
  }

  insertAdminAction(action: Omit<AdminAction, 'id'>): Promise<void> {
    return this.#run('insert admin action', () => void this.#prepare(adminActionInsertSql(sqlitePlaceholder)).run(...adminActionValues(action)));
  }

  listAdminActions(limit: number): Promise<AdminAction[]> {
    return this.#run('list admin actions', () => (this.#prepare(adminActionListSql(sqlitePlaceholder)).all(limit) as Record<string, unknown>[]).map(fromAdminActionRow));
  }

  /** SQLite keeps one events table and every event (config refuses a retention without PostgreSQL). */
  async upkeep(): Promise<UpkeepResult> {
    return { made: [], dropped: [] };
  }

  async close(): Promise<void> {
    await this.#events.close();
    return this.#run('close', () => {
      if (this.#db.open) this.#db.close();
    });
  }
}
