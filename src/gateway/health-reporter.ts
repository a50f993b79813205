import type { ConnectorHealth, ConnectorHealthReport } from '../core/gateway/connector-health.schema.ts';

export interface HealthReporterOptions {
  deviceId: string;
  stations: { stationId: string; protocol: string }[];
  /** Sends the report (the service link keeps it retained on the gateway's health topic). */
  send: (report: string) => void;
  /** Seconds between reports when nothing changed; the service counts a gateway silent after a few. */
  everySec: number;
  now?: () => number;
}

export interface HealthReporter {
  connected: (stationId: string, up: boolean) => void;
  /** The machine answered with a value. */
  value: (stationId: string) => void;
  error: (stationId: string, message: string) => void;
  snapshot: () => ConnectorHealth[];
  stop: () => void;
}

/**
 * The gateway's account of its machine connections (connected, last value, errors), reported to
 * the service at once when a connection comes or goes or an error happens, and every `everySec`
 * otherwise, so a report's age tells the service the gateway itself still runs.
 */
export function startHealthReporter(options: HealthReporterOptions): HealthReporter {
  const now = options.now ?? Date.now;
  const health = new Map<string, ConnectorHealth>(
    options.stations.map((s) => [s.stationId, { stationId: s.stationId, protocol: s.protocol, connected: false, lastValueAt: null, errorCount: 0, lastError: null }]),
  );
  const snapshot = () => [...health.values()].map((h) => ({ ...h }));
  const send = () => {
    const report: ConnectorHealthReport = { v: 1, deviceId: options.deviceId, at: now(), everySec: options.everySec, connectors: snapshot() };
    options.send(JSON.stringify(report));
  };
  const update = (stationId: string, change: (h: ConnectorHealth) => Partial<ConnectorHealth>, isUrgent: boolean) => {
    const h = health.get(stationId);
    if (!h) return;
    Object.assign(h, change(h));
    if (isUrgent) send();
  };
  const timer = setInterval(send, options.everySec * 1000);
  timer.unref();
  send();
  return {
    connected: (id, up) => update(id, () => ({ connected: up }), health.get(id)?.connected !== up),
    value: (id) => update(id, () => ({ lastValueAt: now() }), false),
    error: (id, message) => update(id, (h) => ({ errorCount: h.errorCount + 1, lastError: { at: now(), message: message.slice(0, 500) } }), true),
    snapshot,
    stop: () => clearInterval(timer),
  };
}
