import { connectorHealthReportSchema, isHealthStale, type ConnectorHealthReport } from '../../core/gateway/connector-health.schema.ts';
import type { ConnectorRowWire } from '../../core/contracts/connectors.ts';
import { parseTopic, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { exceedsJsonDepth } from '../ingest/json-depth.ts';

export interface ConnectorHealthDeps {
  index: () => PlantIndex;
  /** The user a device id was claimed by (a gateway's id is its own alone). */
  ownerOf: (deviceId: string) => Promise<string | undefined>;
  findUser: (id: string) => User | undefined;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

export interface ConnectorHealthBoard {
  /** Takes one message of `topics.connectorHealthFilter`; never throws (a bad report is logged and dropped). */
  receive: (topic: string, payload: Buffer) => Promise<void>;
  /** The latest per station, stations in plant order. */
  rows: () => ConnectorRowWire[];
}

/**
 * The service's view of the machine connectors: the latest health report per gateway (as retained
 * on its own topic, which only that gateway may publish), reduced to the stations that gateway's
 * user serves. Kept in memory: a report is a snapshot, and the broker hands the retained one back
 * after a restart. A station reported by two gateways shows the newer report.
 */
export function createConnectorHealth(deps: ConnectorHealthDeps): ConnectorHealthBoard {
  const byGateway = new Map<string, ConnectorHealthReport>();

  async function receive(topic: string, payload: Buffer): Promise<void> {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'connector-health') return;
    // An empty retained message clears the topic: the gateway is gone for good.
    if (payload.length === 0) {
      byGateway.delete(parsed.deviceId);
      return;
    }
    let json: unknown;
    try {
      json = exceedsJsonDepth(payload) ? null : JSON.parse(payload.toString('utf8'));
    } catch {
      json = null;
    }
    const result = connectorHealthReportSchema.safeParse(json);
    if (!result.success || result.data.deviceId !== parsed.deviceId) {
      const why = result.success ? `deviceId "${result.data.deviceId}" is not the topic's "${parsed.deviceId}"` : result.error.issues.map((i) => `${i.path.join('.') || '(report)'}: ${i.message}`).join('; ');
      deps.log('connector health report refused', { topic, why });
      return;
    }
    let ownerId: string | undefined;
    try {
      ownerId = await deps.ownerOf(parsed.deviceId);
    } catch (error) {
      // Storage unreadable: this report is lost, the next one (seconds away) is not.
      deps.log('connector health report dropped: the device owner could not be read', { topic, error: (error as Error).message });
      return;
    }
    const owner = deps.findUser(ownerId ?? '');
    const mine = new Set(owner?.role === 'gateway' ? owner.stations : []);
    const foreign = result.data.connectors.filter((c) => !mine.has(c.stationId));
    if (foreign.length) deps.log('connector health report names stations its gateway does not serve; ignored', { topic, stations: foreign.map((c) => c.stationId) });
    byGateway.set(parsed.deviceId, { ...result.data, connectors: result.data.connectors.filter((c) => mine.has(c.stationId)) });
  }

  function rows(): ConnectorRowWire[] {
    const index = deps.index();
    const now = deps.now();
    const latest = new Map<string, ConnectorRowWire>();
    for (const report of byGateway.values()) {
      const isStale = isHealthStale(report, now);
      for (const c of report.connectors) {
        const station = index.stations.get(c.stationId);
        const before = latest.get(c.stationId);
        if (!station || (before && before.reportedAt >= report.at)) continue;
        latest.set(c.stationId, { ...c, lineId: station.line, gatewayId: report.deviceId, connected: c.connected && !isStale, reportedAt: report.at, isStale });
      }
    }
    const order = [...index.stations.keys()];
    return [...latest.values()].sort((a, b) => order.indexOf(a.stationId) - order.indexOf(b.stationId));
  }

  return { receive, rows };
}
