import { topicIdSchema } from './ids.schema.ts';

/**
 * The topic scheme, in the spirit of a Unified Namespace: an ISA-95 path
 * `floorboard/v1/<site>/<area>/<line>/...`. Every id is a topic-safe id (see `topicIdSchema`),
 * so a level never contains `/`, `+`, `#` or `$`. Documented in docs/topics.md.
 */
export const TOPIC_ROOT = 'floorboard/v1';

export interface LinePath {
  site: string;
  area: string;
  line: string;
}
export interface StationPath extends LinePath {
  station: string;
}

export type ParsedTopic =
  | ({ kind: 'events' } & StationPath)
  | ({ kind: 'signals' } & StationPath)
  | ({ kind: 'corrections' } & LinePath)
  | ({ kind: 'line-status' } & LinePath)
  | ({ kind: 'station-status' } & StationPath)
  | ({ kind: 'station-log' } & StationPath)
  | ({ kind: 'line-oee' } & LinePath)
  | ({ kind: 'line-report' } & LinePath)
  | ({ kind: 'line-andon' } & LinePath)
  | ({ kind: 'line-andon-calls' } & LinePath)
  | { kind: 'area-oee'; site: string; area: string }
  | { kind: 'site-oee'; site: string }
  | { kind: 'ack'; site: string; deviceId: string }
  | { kind: 'connector-health'; site: string; deviceId: string }
  | { kind: 'device-status'; site: string; deviceId: string }
  | { kind: 'dead-letter'; site: string }
  | { kind: 'site-card'; site: string };

const linePath = (p: LinePath) => `${TOPIC_ROOT}/${p.site}/${p.area}/${p.line}`;

export const topics = {
  /** Operator entries from a tablet at a station (batches). */
  events: (p: StationPath) => `${linePath(p)}/station/${p.station}/events`,
  /** Machine signals (state, counters) from a gateway at a station (batches). */
  signals: (p: StationPath) => `${linePath(p)}/station/${p.station}/signals`,
  /** Corrections and voids by a shift lead for a line (batches). */
  corrections: (p: LinePath) => `${linePath(p)}/corrections`,
  /** Retained live status of one station, for its tablets (src/core/station-state). */
  stationStatus: (p: StationPath) => `${linePath(p)}/station/${p.station}/status`,
  /** Retained shift log of one station (notes, handovers for it and its line, acks; src/core/station-log). */
  stationLog: (p: StationPath) => `${linePath(p)}/station/${p.station}/log`,
  /** Retained live status of a line. */
  lineStatus: (p: LinePath) => `${linePath(p)}/status`,
  /** Retained OEE snapshot of a line for the current shift. */
  lineOee: (p: LinePath) => `${linePath(p)}/oee`,
  /** Announcement of a line's shift report, made at the end of each shift (retained: the latest). */
  lineReport: (p: LinePath) => `${linePath(p)}/report`,
  /** Retained andon state of a line: its open calls (src/core/andon), scoped like its status. */
  lineAndon: (p: LinePath) => `${linePath(p)}/andon`,
  /** Every change of a line's calls (raised, escalated, acknowledged, resolved), not retained: for other systems. */
  lineAndonCalls: (p: LinePath) => `${linePath(p)}/andon/calls`,
  areaOee: (site: string, area: string) => `${TOPIC_ROOT}/${site}/${area}/oee`,
  siteOee: (site: string) => `${TOPIC_ROOT}/${site}/oee`,
  /** Application-level acknowledgements for one device, sent after the commit. */
  ack: (site: string, deviceId: string) => `${TOPIC_ROOT}/${site}/_ack/${deviceId}`,
  deadLetter: (site: string) => `${TOPIC_ROOT}/${site}/_deadletter`,
  /** Retained health of one gateway's machine connectors, published by that gateway (its client id) only. */
  connectorHealth: (site: string, deviceId: string) => `${TOPIC_ROOT}/${site}/_health/${deviceId}`,
  /** What the service subscribes to for connector health (every gateway's). */
  connectorHealthFilter: (site: string) => `${TOPIC_ROOT}/${site}/_health/+`,
  /** A device's own report (app version, waiting entries), for the service's device list; only that device publishes it. */
  deviceStatus: (site: string, deviceId: string) => `${TOPIC_ROOT}/${site}/_device/${deviceId}`,
  /** The service's subscription to every device's report. */
  deviceStatusFilter: (site: string) => `${TOPIC_ROOT}/${site}/_device/+`,
  /** Retained card of a site for the centre: its areas and lines by name (core/central/site-card.schema.ts). */
  siteCard: (site: string) => `${TOPIC_ROOT}/${site}/_site`,
  /** What a site's bridge carries to the central broker: its ingest, and its retained card, line statuses and OEE. */
  bridgedOut: (site: string) => [
    ...topics.ingestFilters(site),
    topics.siteCard(site),
    `${TOPIC_ROOT}/${site}/+/+/status`,
    `${TOPIC_ROOT}/${site}/+/+/oee`,
    `${TOPIC_ROOT}/${site}/+/oee`,
    topics.siteOee(site),
  ],
  /** Subscription filters the service uses for ingest. */
  ingestFilters: (site: string) => [
    `${TOPIC_ROOT}/${site}/+/+/station/+/events`,
    `${TOPIC_ROOT}/${site}/+/+/station/+/signals`,
    `${TOPIC_ROOT}/${site}/+/+/corrections`,
  ],
} as const;

const isId = (s: string | undefined): s is string => s !== undefined && topicIdSchema.safeParse(s).success;

/** Parses a concrete topic (no wildcards). Returns null for anything outside the scheme. */
export function parseTopic(topic: string): ParsedTopic | null {
  if (!topic.startsWith(`${TOPIC_ROOT}/`)) return null;
  const parts = topic.slice(TOPIC_ROOT.length + 1).split('/');
  const [site, a, b, c, d, e] = parts;
  if (!isId(site)) return null;
  if (parts.length === 1) return null;
  if (parts.length === 2) {
    if (a === 'oee') return { kind: 'site-oee', site };
    if (a === '_deadletter') return { kind: 'dead-letter', site };
    if (a === '_site') return { kind: 'site-card', site };
    return null;
  }
  if (parts.length === 3) {
    if (a === '_ack' && isId(b)) return { kind: 'ack', site, deviceId: b };
    if (a === '_health' && isId(b)) return { kind: 'connector-health', site, deviceId: b };
    if (a === '_device' && isId(b)) return { kind: 'device-status', site, deviceId: b };
    if (isId(a) && b === 'oee') return { kind: 'area-oee', site, area: a };
    return null;
  }
  if (!isId(a) || !isId(b)) return null;
  const line = { site, area: a, line: b };
  if (parts.length === 4) {
    if (c === 'status') return { kind: 'line-status', ...line };
    if (c === 'oee') return { kind: 'line-oee', ...line };
    if (c === 'report') return { kind: 'line-report', ...line };
    if (c === 'andon') return { kind: 'line-andon', ...line };
    if (c === 'corrections') return { kind: 'corrections', ...line };
    return null;
  }
  if (parts.length === 5 && c === 'andon' && d === 'calls') return { kind: 'line-andon-calls', ...line };
  if (parts.length === 6 && c === 'station' && isId(d)) {
    if (e === 'events') return { kind: 'events', ...line, station: d };
    if (e === 'signals') return { kind: 'signals', ...line, station: d };
    if (e === 'status') return { kind: 'station-status', ...line, station: d };
    if (e === 'log') return { kind: 'station-log', ...line, station: d };
  }
  return null;
}
