import type { User } from './plant.schema.ts';
import type { PlantIndex } from './plant-index.ts';
import { parseTopic, topics, type ParsedTopic } from './topics.ts';

type Scope<R extends User['role']> = Omit<Extract<User, { role: R }>, 'pinHash' | 'passwordHash' | 'badge'>;

/**
 * Who is acting, without secrets: a plant user, or the service itself (internal credential).
 * The same value backs the broker hooks and the HTTP API, so both apply one rule.
 */
export type Principal =
  | Scope<'operator'>
  | Scope<'lead'>
  | Scope<'manager'>
  | Scope<'admin'>
  | Scope<'gateway'>
  | Scope<'importer'>
  | { id: string; name: string; role: 'service' };

/** Strips secrets from a plant user. */
export function principalOf(user: User): Principal {
  switch (user.role) {
    case 'operator':
    case 'gateway':
      return { id: user.id, name: user.name, role: user.role, stations: [...user.stations] };
    case 'lead':
    case 'importer':
      return { id: user.id, name: user.name, role: user.role, lines: [...user.lines] };
    case 'manager':
      return user.areas ? { id: user.id, name: user.name, role: 'manager', areas: [...user.areas] } : { id: user.id, name: user.name, role: 'manager' };
    case 'admin':
      return { id: user.id, name: user.name, role: 'admin' };
  }
}

const isAll = (p: Principal) => p.role === 'admin' || p.role === 'service';

/** Line ids whose status, OEE and history the principal may read. */
export function visibleLines(p: Principal, index: PlantIndex): Set<string> {
  if (isAll(p) || (p.role === 'manager' && !p.areas)) return new Set(index.lines.keys());
  if (p.role === 'manager') return new Set((p.areas ?? []).flatMap((a) => index.areas.get(a) ?? []));
  if (p.role === 'lead') return new Set(p.lines);
  // An importer writes its logs and reads nothing but its acks (least privilege).
  if (p.role === 'importer') return new Set();
  return new Set(p.stations.flatMap((s) => index.stations.get(s)?.line ?? []));
}

/** Station ids the principal may publish entries (operator, lead) or signals (gateway) for. */
function writableStations(p: Principal, index: PlantIndex): Set<string> {
  if (p.role === 'operator' || p.role === 'gateway') return new Set(p.stations);
  if (p.role === 'lead' || p.role === 'importer') return new Set([...index.stations.values()].filter((s) => p.lines.includes(s.line)).map((s) => s.station));
  return new Set();
}

/** True when the path in the topic is the station's real place in the plant (no forged area/line). */
function isRealStation(t: { site: string; area: string; line: string; station: string }, index: PlantIndex): boolean {
  const s = index.stations.get(t.station);
  return !!s && s.site === t.site && s.area === t.area && s.line === t.line;
}

function isRealLine(t: { site: string; area: string; line: string }, index: PlantIndex): boolean {
  const l = index.lines.get(t.line)?.path;
  return !!l && l.site === t.site && l.area === t.area;
}

/**
 * May the principal publish on this (parsed, concrete) topic?
 * Operators: events of their stations. Leads: events of their lines' stations and corrections of their lines.
 * Gateways: signals of their stations, and the connector health of their own device (`clientId`).
 * Importers: events of their lines' stations. Managers: nothing. Every device: its own status
 * report (`clientId`). Admin and the service: everything else; a gateway's health is its own word
 * only, so the admin area never shows one made up.
 */
export function canPublish(p: Principal, topic: ParsedTopic | null, index: PlantIndex, clientId?: string): boolean {
  if (topic?.kind === 'connector-health') return p.role === 'gateway' && topic.site === index.site && clientId !== undefined && topic.deviceId === clientId;
  if (isAll(p)) return true;
  if (!topic || topic.site !== index.site) return false;
  switch (topic.kind) {
    case 'device-status':
      // Each device reports on its own topic only (its client id, bound to the login's device).
      return clientId !== undefined && topic.deviceId === clientId;
    case 'events':
      return (p.role === 'operator' || p.role === 'lead' || p.role === 'importer') && isRealStation(topic, index) && writableStations(p, index).has(topic.station);
    case 'signals':
      return p.role === 'gateway' && isRealStation(topic, index) && p.stations.includes(topic.station);
    case 'corrections':
      return p.role === 'lead' && isRealLine(topic, index) && p.lines.includes(topic.line);
    default:
      return false;
  }
}

/** May the principal receive messages of this concrete topic? `clientId` decides which ack topic is its own. */
export function canRead(p: Principal, topic: ParsedTopic | null, index: PlantIndex, clientId: string): boolean {
  if (isAll(p)) return true;
  if (!topic || topic.site !== index.site) return false;
  switch (topic.kind) {
    case 'line-status':
    case 'line-oee':
    case 'line-report':
    case 'line-andon':
    case 'line-andon-calls':
      // Gateways only send signals: least privilege, they read nothing but their acks.
      return p.role !== 'gateway' && isRealLine(topic, index) && visibleLines(p, index).has(topic.line);
    case 'station-status':
    case 'station-log':
      // A tablet's operator reads the stations they work at; leads and managers their lines' stations.
      if (p.role === 'gateway' || !isRealStation(topic, index)) return false;
      return p.role === 'operator' ? p.stations.includes(topic.station) : visibleLines(p, index).has(topic.line);
    case 'area-oee':
      return p.role === 'manager' && (!p.areas || p.areas.includes(topic.area));
    case 'site-oee':
      return p.role === 'manager' && !p.areas;
    case 'ack':
      return p.role !== 'manager' && topic.deviceId === clientId;
    default:
      return false;
  }
}

/** MQTT filter matching (`+` one level, `#` the rest), per MQTT 3.1.1 section 4.7. */
export function filterMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    // `#` also matches the parent level itself ("a/#" matches "a").
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Every concrete topic of the plant, plus one ack topic that belongs to someone else. */
function universe(index: PlantIndex, clientId: string): string[] {
  const out = [topics.siteOee(index.site), topics.deadLetter(index.site), topics.ack(index.site, clientId)];
  out.push(topics.ack(index.site, `${clientId}-other`));
  for (const [area] of index.areas) out.push(topics.areaOee(index.site, area));
  for (const { path } of index.lines.values()) out.push(topics.lineStatus(path), topics.lineOee(path), topics.lineReport(path), topics.lineAndon(path), topics.lineAndonCalls(path), topics.corrections(path));
  for (const s of index.stations.values()) out.push(topics.events(s), topics.signals(s), topics.stationStatus(s), topics.stationLog(s));
  return out;
}

/**
 * May the principal subscribe to this filter? Allowed only if every topic of the plant it matches
 * is readable, and it matches at least one: so `+` and `#` are fine inside one's scope
 * and refused as soon as they reach past it (another line, someone else's acks, `$SYS`).
 */
export function canSubscribe(p: Principal, filter: string, index: PlantIndex, clientId: string): boolean {
  if (isAll(p)) return true;
  if (filter.startsWith('$')) return false;
  let matched = 0;
  for (const topic of universe(index, clientId)) {
    if (!filterMatches(filter, topic)) continue;
    if (!canRead(p, parseTopic(topic), index, clientId)) return false;
    matched++;
  }
  return matched > 0;
}
