import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The service's Prometheus metrics, on their own registry so tests can start several services in one process. */
export interface ServiceMetrics {
  registry: Registry;
  ingested: Counter<'kind'>;
  rejected: Counter<'code'>;
  duplicates: Counter;
  deadLetters: Counter<'code'>;
  /** Commit time minus corrected event time: how late events reach the database. */
  ingestLag: Histogram;
  /** Receipt to commit of one message. */
  commitDuration: Histogram;
  connectedClients: Gauge;
  clockFlaggedDevices: Gauge;
}

/** Creates the metrics; `withDefaults` adds process metrics (off in tests to keep them quiet). */
export function createMetrics(withDefaults = true): ServiceMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'floorboard_' });
  const registers = [registry];
  return {
    registry,
    ingested: new Counter({ name: 'floorboard_events_ingested_total', help: 'Events committed to storage', labelNames: ['kind'], registers }),
    rejected: new Counter({ name: 'floorboard_events_rejected_total', help: 'Events or messages refused, by reject code', labelNames: ['code'], registers }),
    duplicates: new Counter({ name: 'floorboard_events_duplicates_total', help: 'Events dropped because their id was already stored', registers }),
    deadLetters: new Counter({ name: 'floorboard_dead_letters_total', help: 'Dead letters stored', labelNames: ['code'], registers }),
    ingestLag: new Histogram({
      name: 'floorboard_ingest_lag_seconds',
      help: 'Commit time minus corrected event time',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600, 86400],
      registers,
    }),
    commitDuration: new Histogram({
      name: 'floorboard_ingest_commit_seconds',
      help: 'Receipt to commit of one MQTT message',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    connectedClients: new Gauge({ name: 'floorboard_mqtt_connected_clients', help: 'Clients connected to the embedded broker', registers }),
    clockFlaggedDevices: new Gauge({ name: 'floorboard_devices_clock_flagged', help: 'Devices whose clock is off by more than the limit', registers }),
  };
}
