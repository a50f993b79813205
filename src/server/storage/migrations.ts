import { PARTITIONED_EVENTS_SQL } from './pg-partitioned-events.ts';
import { BUCKET_V2_VALUE_COLUMNS } from './bucket-codec.ts';

/**
 * Ordered, versioned schema migrations, one SQL text per dialect. Append only: a released
 * migration is never edited, a change is a new version. Each adapter applies the pending ones at
 * start in one transaction and records them in `schema_migrations`.
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

export const SCHEMA_MIGRATIONS_SQL = {
  sqlite: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`,
  postgres: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)`,
} as const;

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events, dead letters, devices',
    // SQLite: storage_seq is the rowid (AUTOINCREMENT: never reused), the id is UNIQUE, so the
    // storage order is the rowid order and catch-up reads it without another index.
    // Only one time index, (line_id, corrected_ts): a second one on corrected_ts alone halved the
    // insert rate (more pages per commit and checkpoint). Site-wide reads pass every line id, and
    // long windows read the hourly buckets instead of raw events.
    sqlite: `
      CREATE TABLE events (
        storage_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        v INTEGER NOT NULL,
        device_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        line_id TEXT NOT NULL,
        station_id TEXT NOT NULL,
        type TEXT NOT NULL,
        ts INTEGER NOT NULL,
        corrected_ts INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        clock_offset_ms INTEGER NOT NULL,
        author TEXT NOT NULL,
        topic TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE INDEX events_line_time ON events (line_id, corrected_ts);
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        topic TEXT NOT NULL,
        device_id TEXT,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        payload TEXT NOT NULL,
        payload_bytes INTEGER NOT NULL,
        is_truncated INTEGER NOT NULL
      );
      CREATE TABLE devices (
        device_id TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL,
        clock_offset_ms INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL,
        is_clock_flagged INTEGER NOT NULL
      );`,
    // PostgreSQL: json, not jsonb, because jsonb refuses "\\u0000", which a valid note may hold.
    postgres: `
      CREATE TABLE events (
        id text COLLATE "C" PRIMARY KEY,
        storage_seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        v smallint NOT NULL,
        device_id text NOT NULL,
        seq bigint NOT NULL,
        line_id text COLLATE "C" NOT NULL,
        station_id text NOT NULL,
        type text NOT NULL,
        ts bigint NOT NULL,
        corrected_ts bigint NOT NULL,
        received_at bigint NOT NULL,
        clock_offset_ms bigint NOT NULL,
        author text NOT NULL,
        topic text NOT NULL,
        payload json NOT NULL
      );
      CREATE INDEX events_line_time ON events (line_id, corrected_ts);
      CREATE TABLE dead_letters (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at bigint NOT NULL,
        topic text NOT NULL,
        device_id text,
        code text NOT NULL,
        message text NOT NULL,
        payload text NOT NULL,
        payload_bytes integer NOT NULL,
        is_truncated boolean NOT NULL
      );
      CREATE TABLE devices (
        device_id text COLLATE "C" PRIMARY KEY,
        last_seq bigint NOT NULL,
        clock_offset_ms bigint NOT NULL,
        last_seen_at bigint NOT NULL,
        is_clock_flagged boolean NOT NULL
      );`,
  },
  {
    version: 2,
    name: 'hourly buckets per line',
    sqlite: `
      CREATE TABLE hourly_buckets (
        line_id TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        ${bucketColumns('REAL', 'INTEGER')},
        PRIMARY KEY (line_id, bucket_start)
      ) WITHOUT ROWID;`,
    postgres: `
      CREATE TABLE hourly_buckets (
        line_id text COLLATE "C" NOT NULL,
        bucket_start bigint NOT NULL,
        ${bucketColumns('double precision', 'bigint')},
        PRIMARY KEY (line_id, bucket_start)
      );`,
  },
  {
    version: 4,
    name: 'hourly buckets: breakdown count and reason tallies',
    // reasons: JSON text of the hour's every (loss, reason) tally; NULL marks a bucket written
    // before this version, which history queries do not use until the service rewrites it.
    sqlite: `
      ALTER TABLE hourly_buckets ADD COLUMN breakdown_count INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE hourly_buckets ADD COLUMN reasons TEXT;`,
    postgres: `
      ALTER TABLE hourly_buckets ADD COLUMN breakdown_count bigint NOT NULL DEFAULT 0;
      ALTER TABLE hourly_buckets ADD COLUMN reasons text;`,
  },
  {
    version: 5,
    name: 'device claims',
    // The first sign-in with a device id claims it for that user (docs/adr/0004): another user
    // cannot take its MQTT client id, and with it the session's queued messages.
    sqlite: `
      CREATE TABLE device_claims (
        device_id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL,
        claimed_at INTEGER NOT NULL
      );`,
    postgres: `
      CREATE TABLE device_claims (
        device_id text COLLATE "C" PRIMARY KEY,
        user_id text NOT NULL,
        claimed_at bigint NOT NULL
      );`,
  },
  {
    version: 6,
    name: 'service runs; hourly buckets: no-data and scheduled time',
    // service_runs: the service's own run log (docs/adr/0009-no-data.md). Time between one run's
    // end (or its last alive_at, after a crash) and the next run's start nobody saw.
    // scheduled_ms NULL marks a bucket written before this version: read as planned_ms.
    sqlite: `
      CREATE TABLE service_runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at INTEGER NOT NULL,
        alive_at INTEGER NOT NULL,
        ended_at INTEGER
      );
      CREATE INDEX service_runs_started ON service_runs (started_at);
      ALTER TABLE hourly_buckets ADD COLUMN no_data_ms REAL NOT NULL DEFAULT 0;
      ALTER TABLE hourly_buckets ADD COLUMN scheduled_ms REAL;`,
    postgres: `
      CREATE TABLE service_runs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        started_at bigint NOT NULL,
        alive_at bigint NOT NULL,
        ended_at bigint
      );
      CREATE INDEX service_runs_started ON service_runs (started_at);
      ALTER TABLE hourly_buckets ADD COLUMN no_data_ms double precision NOT NULL DEFAULT 0;
      ALTER TABLE hourly_buckets ADD COLUMN scheduled_ms double precision;`,
  },
  {
    version: 7,
    name: 'events by line, type and time',
    // The live fold reads each line's latest stop, changeover and machine-state events before its
    // window (latestEventsBefore): without this index that read scans a line's whole history.
    sqlite: `CREATE INDEX events_line_type_time ON events (line_id, type, corrected_ts);`,
    postgres: `CREATE INDEX events_line_type_time ON events (line_id, type, corrected_ts);`,
  },
  {
    version: 8,
    name: 'shift reports',
    // The report made at the end of each shift, kept as made (the model as JSON): opened later it
    // shows what was printed then. (line, shift start) is the key: a report is made once.
    sqlite: `
      CREATE TABLE shift_reports (
        line_id TEXT NOT NULL,
        shift_start INTEGER NOT NULL,
        shift_end INTEGER NOT NULL,
        shift_id TEXT NOT NULL,
        made_at INTEGER NOT NULL,
        model TEXT NOT NULL,
        PRIMARY KEY (line_id, shift_start)
      ) WITHOUT ROWID;`,
    postgres: `
      CREATE TABLE shift_reports (
        line_id text COLLATE "C" NOT NULL,
        shift_start bigint NOT NULL,
        shift_end bigint NOT NULL,
        shift_id text NOT NULL,
        made_at bigint NOT NULL,
        model text NOT NULL,
        PRIMARY KEY (line_id, shift_start)
      );`,
  },
  {
    version: 9,
    name: 'andon delivery log',
    // One row per try of one andon message on one channel (webhook, email, MQTT): the call's
    // delivery log outlives a restart. (delivery_id, attempt) is the key: a try is logged once.
    sqlite: `
      CREATE TABLE andon_deliveries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        delivery_id TEXT NOT NULL,
        call_id TEXT NOT NULL,
        line_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        target TEXT NOT NULL,
        change_kind TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        at INTEGER NOT NULL,
        ms INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        status INTEGER,
        error TEXT,
        UNIQUE (delivery_id, attempt)
      );
      CREATE INDEX andon_deliveries_call ON andon_deliveries (call_id, id);`,
    postgres: `
      CREATE TABLE andon_deliveries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id text COLLATE "C" NOT NULL,
        call_id text COLLATE "C" NOT NULL,
        line_id text COLLATE "C" NOT NULL,
        channel text NOT NULL,
        target text NOT NULL,
        change_kind text NOT NULL,
        attempt integer NOT NULL,
        at bigint NOT NULL,
        ms bigint NOT NULL,
        outcome text NOT NULL,
        status integer,
        error text,
        UNIQUE (delivery_id, attempt)
      );
      CREATE INDEX andon_deliveries_call ON andon_deliveries (call_id, id);`,
  },
  {
    version: 10,
    name: 'plant configuration versions',
    // The plant as data (issue 13): every applied configuration, whole, with who, when, why and the
    // diff read before applying it. The newest version is the one the service runs; none are
    // edited or deleted. source_hash: the plant file's hash this version descends from, so a
    // changed file on disk is applied once as a new version at start.
    sqlite: `
      CREATE TABLE plant_versions (
        version INTEGER PRIMARY KEY,
        plant TEXT NOT NULL,
        author TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        diff TEXT NOT NULL,
        source_hash TEXT NOT NULL
      );`,
    postgres: `
      CREATE TABLE plant_versions (
        version integer PRIMARY KEY,
        plant text NOT NULL,
        author text NOT NULL,
        reason text NOT NULL,
        created_at bigint NOT NULL,
        diff text NOT NULL,
        source_hash text NOT NULL
      );`,
  },
  {
    version: 11,
    name: 'device revocations',
    // Append only: every revocation with who made it and whose claim it ended (each is also an
    // entry of admin_actions, version 30). A device's tokens issued up to its latest revocation are refused; the claim is
    // deleted in the same transaction, so the device has to be enrolled again (a fresh claim).
    sqlite: `
      CREATE TABLE device_revocations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id TEXT NOT NULL,
        revoked_at INTEGER NOT NULL,
        revoked_by TEXT NOT NULL,
        claimed_by TEXT,
        reason TEXT NOT NULL
      );
      CREATE INDEX device_revocations_device ON device_revocations (device_id, revoked_at);`,
    postgres: `
      CREATE TABLE device_revocations (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id text COLLATE "C" NOT NULL,
        revoked_at bigint NOT NULL,
        revoked_by text NOT NULL,
        claimed_by text,
        reason text NOT NULL
      );
      CREATE INDEX device_revocations_device ON device_revocations (device_id, revoked_at);`,
  },
  {
    // 30, not 11: versions 11-29 are taken by work that lands beside this one (devices, PostgreSQL
    // at scale). Migrations apply by set membership, so the gap is harmless.
    version: 30,
    name: 'admin actions',
    // Admin actions that are not plant versions (recomputing stored history): who, when, why, what.
    sqlite: `
      CREATE TABLE admin_actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        author TEXT NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        detail TEXT NOT NULL
      );`,
    postgres: `
      CREATE TABLE admin_actions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at bigint NOT NULL,
        author text NOT NULL,
        kind text NOT NULL,
        reason text NOT NULL,
        detail text NOT NULL
      );`,
  },
  {
    version: 31,
    name: 'events partitioned by month, ids kept unique beside them (PostgreSQL)',
    // SQLite keeps one events table: one plant on one machine (docs/deployment.md).
    sqlite: 'SELECT 1;',
    postgres: PARTITIONED_EVENTS_SQL,
  },
  {
    version: 32,
    name: 'leader leases (PostgreSQL, several instances)',
    // One row per cluster group: who leads, its epoch (raised by each new leader), until when.
    // SQLite serves one process: no leader to elect.
    sqlite: 'SELECT 1;',
    postgres: `
      CREATE TABLE leader_leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        epoch bigint NOT NULL,
        expires_at timestamptz NOT NULL
      );`,
  },
  {
    version: 33,
    name: 'failed logins shared by the instances of a cluster (PostgreSQL, issue 16)',
    // SQLite serves one process: its guard counts in memory.
    sqlite: 'SELECT 1;',
    postgres: `
      CREATE TABLE login_failures (
        guard text NOT NULL,
        key text NOT NULL,
        failures integer NOT NULL,
        last_failure_at bigint NOT NULL,
        next_allowed_at bigint NOT NULL,
        locked_until bigint NOT NULL,
        PRIMARY KEY (guard, key)
      );`,
  },
  {
    version: 34,
    name: 'the hourly buckets written through a storage sequence (issue 16)',
    // One row per mark. 'buckets': every event stored up to this sequence is in the hourly buckets;
    // a writer starting after a crash writes again the hours of the events stored after it.
    sqlite: `
      CREATE TABLE storage_marks (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );`,
    postgres: `
      CREATE TABLE storage_marks (
        name text PRIMARY KEY,
        value bigint NOT NULL
      );`,
  },
];

function bucketColumns(msType: string, countType: string): string {
  return BUCKET_V2_VALUE_COLUMNS.map(([name, kind]) => `${name} ${kind === 'ms' ? msType : countType} NOT NULL`).join(
    ',\n        ',
  );
}
