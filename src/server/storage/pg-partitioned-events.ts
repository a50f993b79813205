/**
 * Migration 31 on PostgreSQL (issue 16): the events table becomes partitioned by month of its
 * corrected time, natively, so history queries of a window read only its months and retention
 * drops whole months instead of deleting rows.
 *
 * - A partitioned table cannot keep a unique index on `id` alone (every unique index must hold the
 *   partition key), so ids are kept unique by `event_ids` (id, corrected time), written in the same
 *   transaction as the events: exactly-once ingest stays a primary-key conflict (ADR 0003).
 * - `storage_seq` (catch-up order) comes from a sequence instead of an identity column.
 * - `floorboard_event_month(ms)` makes the month partition holding `ms`, moving any of its rows the
 *   DEFAULT partition caught; the DEFAULT partition takes an event of a month nobody made yet, so no
 *   event is ever refused for its time. The service calls it for this month and the next at start
 *   and daily (pg-partitions.ts); pg_partman is not needed.
 * - Every row is copied in storage order, with its storage_seq, into the months it falls in.
 */
export const PARTITIONED_EVENTS_SQL = `
  ALTER TABLE events RENAME TO events_unpartitioned;
  ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_pkey TO events_unpartitioned_pkey;
  ALTER TABLE events_unpartitioned RENAME CONSTRAINT events_storage_seq_key TO events_unpartitioned_storage_seq_key;
  ALTER INDEX events_line_time RENAME TO events_unpartitioned_line_time;
  ALTER INDEX events_line_type_time RENAME TO events_unpartitioned_line_type_time;

  CREATE SEQUENCE events_storage_seq AS bigint;
  CREATE TABLE events (
    id text COLLATE "C" NOT NULL,
    storage_seq bigint NOT NULL DEFAULT nextval('events_storage_seq'),
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
  ) PARTITION BY RANGE (corrected_ts);
  ALTER SEQUENCE events_storage_seq OWNED BY events.storage_seq;
  CREATE TABLE events_default PARTITION OF events DEFAULT;
  -- The history API reads by line and time (and type); ingest by id; catch-up by storage_seq.
  CREATE INDEX events_line_time ON events (line_id, corrected_ts);
  CREATE INDEX events_line_type_time ON events (line_id, type, corrected_ts);
  CREATE INDEX events_id ON events (id);
  CREATE INDEX events_storage_seq_order ON events (storage_seq);
  CREATE TABLE event_ids (
    id text COLLATE "C" PRIMARY KEY,
    corrected_ts bigint NOT NULL
  );

  CREATE FUNCTION floorboard_event_month(at_ms bigint) RETURNS text LANGUAGE plpgsql AS $fn$
  DECLARE
    month_start timestamp := date_trunc('month', to_timestamp(at_ms / 1000.0) AT TIME ZONE 'UTC');
    lo bigint := (extract(epoch FROM month_start) * 1000)::bigint;
    hi bigint := (extract(epoch FROM month_start + interval '1 month') * 1000)::bigint;
    part text := 'events_p' || to_char(month_start, 'YYYYMM');
  BEGIN
    -- Two services making the same month take turns.
    PERFORM pg_advisory_xact_lock(4660003);
    IF to_regclass(part) IS NOT NULL THEN RETURN part; END IF;
    EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
    EXECUTE format('INSERT INTO %I SELECT * FROM events_default WHERE corrected_ts >= %s AND corrected_ts < %s', part, lo, hi);
    EXECUTE format('DELETE FROM events_default WHERE corrected_ts >= %s AND corrected_ts < %s', lo, hi);
    EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', part, lo, hi);
    RETURN part;
  END $fn$;

  SELECT floorboard_event_month(m) FROM (SELECT DISTINCT (extract(epoch FROM date_trunc('month', to_timestamp(corrected_ts / 1000.0) AT TIME ZONE 'UTC')) * 1000)::bigint AS m FROM events_unpartitioned) AS months;
  INSERT INTO events (id, storage_seq, v, device_id, seq, line_id, station_id, type, ts, corrected_ts, received_at, clock_offset_ms, author, topic, payload)
    SELECT id, storage_seq, v, device_id, seq, line_id, station_id, type, ts, corrected_ts, received_at, clock_offset_ms, author, topic, payload
    FROM events_unpartitioned ORDER BY storage_seq;
  INSERT INTO event_ids (id, corrected_ts) SELECT id, corrected_ts FROM events_unpartitioned;
  SELECT setval('events_storage_seq', COALESCE((SELECT max(storage_seq) FROM events_unpartitioned), 0) + 1, false);
  DROP TABLE events_unpartitioned;
`;
