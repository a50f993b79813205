import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ConnectorRowWire } from '../core/contracts/connectors.ts';

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
  /** Where the machine connector gauges read from at each scrape (the service sets it; none: no series). */
  connectors: { rows: () => readonly ConnectorRowWire[] };
}

/** Per station, from the gateways' latest health reports: read at scrape time, so a silent gateway shows as one. */
function connectorGauges(registry: Registry, source: ServiceMetrics['connectors']): void {
  const labelNames = ['station', 'line', 'gateway', 'protocol'] as const;
  const gauge = (name: string, help: string, value: (r: ConnectorRowWire, now: number) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const now = Date.now();
        for (const r of source.rows()) {
          const v = value(r, now);
          if (v !== null) this.set({ station: r.stationId, line: r.lineId, gateway: r.gatewayId, protocol: r.protocol }, v);
        }
      },
    });
  gauge('floorboard_connector_connected', 'Is the station connector connected to its machine (0 too when its gateway stopped reporting)', (r) => (r.connected ? 1 : 0));
  gauge('floorboard_connector_errors', 'Connection and read errors of the station connector since its gateway started', (r) => r.errorCount);
  gauge('floorboard_connector_last_value_age_seconds', 'Seconds since the machine last answered with a value', (r, now) => (r.lastValueAt === null ? null : Math.max(0, (now - r.lastValueAt) / 1000)));
}

/** Creates the metrics; `withDefaults` adds process metrics (off in tests to keep them quiet). */
export function createMetrics(withDefaults = true): ServiceMetrics {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'floorboard_' });
  const registers = [registry];
  const connectors: ServiceMetrics['connectors'] = { rows: () => [] };
  connectorGauges(registry, connectors);
  return {
    connectors,
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
