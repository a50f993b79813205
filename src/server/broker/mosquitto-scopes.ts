import { canPublish, canRead, type Principal } from '../../core/access.ts';
import { parseTopic, TOPIC_ROOT, topics } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';

/**
 * The scopes of `core/access.ts` turned into what Mosquitto understands: ACL-file lines and
 * dynamic-security roles. Nothing here restates a rule: every grant comes from asking
 * `canPublish` / `canRead` about each concrete topic of the plant, so an external broker and the
 * embedded one cannot drift apart. Only the ack topic (per device) is handled on its own, since
 * its name depends on the client id of the connection.
 */

/** One concrete topic a principal may write (publish) or read (subscribe + receive). */
export interface TopicGrant {
  topic: string;
  access: 'read' | 'write';
  /** Dynamic-security role that carries this grant (one role per scope unit: station, line, area, site). */
  role: string;
}

/** Role names; every part is a topic id, so a name never contains a space or a `/`. */
export const ROLE = {
  events: (station: string) => `fb-events-${station}`,
  signals: (station: string) => `fb-signals-${station}`,
  corrections: (line: string) => `fb-corrections-${line}`,
  line: (line: string) => `fb-line-${line}`,
  /** Live status of one station: its tablets' operators, and everyone who sees its line. */
  station: (station: string) => `fb-station-${station}`,
  area: (area: string) => `fb-area-${area}`,
  site: 'fb-site',
  admin: 'fb-admin',
  service: 'fb-service',
  /** Full control of the dynamic-security plugin; only the service's own client has it. */
  dynsecAdmin: 'fb-dynsec-admin',
  /** Per session: the ack topic of one device. Created at login, deleted with the session. */
  ack: (deviceId: string) => `fb-ack-${deviceId}`,
  /** Per gateway session: the connector health topic of its device. */
  health: (deviceId: string) => `fb-health-${deviceId}`,
  /** Per device: writing its own report topic. Created at login. */
  report: (deviceId: string) => `fb-report-${deviceId}`,
} as const;

export interface PlantTopic {
  topic: string;
  role: string;
  access: 'read' | 'write';
}

/** Every concrete, user-facing topic of the plant (acks and dead letters excluded), with the role that owns it and its direction. */
export function plantTopics(index: PlantIndex): PlantTopic[] {
  const r = (topic: string, role: string): PlantTopic => ({ topic, role, access: 'read' });
  const w = (topic: string, role: string): PlantTopic => ({ topic, role, access: 'write' });
  const out = [r(topics.siteOee(index.site), ROLE.site)];
  for (const [area] of index.areas) out.push(r(topics.areaOee(index.site, area), ROLE.area(area)));
  for (const { path } of index.lines.values()) {
    out.push(r(topics.lineStatus(path), ROLE.line(path.line)), r(topics.lineOee(path), ROLE.line(path.line)), r(topics.lineReport(path), ROLE.line(path.line)), r(topics.lineAndon(path), ROLE.line(path.line)), r(topics.lineAndonCalls(path), ROLE.line(path.line)), w(topics.corrections(path), ROLE.corrections(path.line)));
  }
  for (const s of index.stations.values()) {
    out.push(w(topics.events(s), ROLE.events(s.station)), w(topics.signals(s), ROLE.signals(s.station)), r(topics.stationStatus(s), ROLE.station(s.station)), r(topics.stationLog(s), ROLE.station(s.station)));
  }
  return out;
}

/** True for principals that see and write the whole site (admin); the service has its own grants. */
export const isSiteWide = (p: Principal) => p.role === 'admin' || p.role === 'service';

/**
 * What a plant user may do, topic by topic, as decided by `core/access.ts`.
 * A client id that no plant topic uses stands in for the caller's own: acks are granted separately.
 */
export function grantsFor(p: Principal, index: PlantIndex): TopicGrant[] {
  const grants: TopicGrant[] = [];
  for (const { topic, role, access } of plantTopics(index)) {
    const parsed = parseTopic(topic);
    // Asked in the topic's own direction only: writing a status topic or reading an events topic is never a scope.
    const isAllowed = access === 'write' ? canPublish(p, parsed, index) : canRead(p, parsed, index, '');
    if (isAllowed) grants.push({ topic, access, role });
  }
  return grants;
}

/** Does the principal read acknowledgements on its own device's ack topic? (Everyone who can send entries.) */
export function readsOwnAck(p: Principal, index: PlantIndex): boolean {
  return canRead(p, parseTopic(topics.ack(index.site, 'probe')), index, 'probe');
}

/** The dynamic-security roles a session of this principal gets (ack role excluded). */
export function rolesFor(p: Principal, index: PlantIndex): string[] {
  if (p.role === 'service') return [ROLE.service];
  if (p.role === 'admin') return [ROLE.admin];
  return [...new Set(grantsFor(p, index).map((g) => g.role))].sort();
}

/** Does the principal publish its own device's connector health? (Gateways.) */
export const publishesOwnHealth = (p: Principal, index: PlantIndex): boolean => canPublish(p, parseTopic(topics.connectorHealth(index.site, 'probe')), index, 'probe');

/** Topics of the service: what it reads (ingest, connector health) and what it writes (live state, acks, dead letters, demo signals). */
export function serviceTopics(site: string): { read: string[]; write: string[] } {
  const root = `${TOPIC_ROOT}/${site}`;
  return {
    // Besides ingest: connector health, and device reports (app version, waiting entries) for the admins' device list.
    // The ingest filters also as members of any shared subscription: instances of a cluster (issue 16).
    read: [...topics.ingestFilters(site), ...topics.ingestFilters(site).map((f) => `$share/+/${f}`), topics.connectorHealthFilter(site), topics.deviceStatusFilter(site)],
    // Signals: with --demo the simulator's gateways publish under the service's account on an external broker.
    // Shift report announcements (`.../<line>/report`) too: before, Mosquitto refused them. And the
    // site's card for a central board (`.../_site`, issue 16).
    write: [`${root}/+/+/status`, `${root}/+/+/station/+/status`, `${root}/+/+/station/+/log`, `${root}/+/+/oee`, `${root}/+/+/andon`, `${root}/+/+/andon/calls`, `${root}/+/+/report`, `${root}/+/oee`, `${root}/oee`, `${root}/_ack/+`, topics.deadLetter(site), `${root}/+/+/station/+/signals`, topics.siteCard(site)],
  };
}
