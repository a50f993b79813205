import { TOPIC_ROOT, topics } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { plantTopics, ROLE, serviceTopics } from './mosquitto-scopes.ts';

/** One ACL of the dynamic-security plugin (`acltype` names as in its JSON and `$CONTROL` API). */
export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribeLiteral' | 'subscribePattern' | 'unsubscribePattern';
  topic: string;
  allow: boolean;
  priority?: number;
}
export interface DynsecRole {
  rolename: string;
  textdescription?: string;
  acls: DynsecAcl[];
}

const send = (topic: string): DynsecAcl => ({ acltype: 'publishClientSend', topic, allow: true });
// Literal subscriptions only: a wildcard could reach past the scope (the embedded broker refuses those too).
const read = (topic: string): DynsecAcl[] => [
  { acltype: 'subscribeLiteral', topic, allow: true },
  { acltype: 'publishClientReceive', topic, allow: true },
];
const readPattern = (filter: string): DynsecAcl[] => [
  { acltype: 'subscribePattern', topic: filter, allow: true },
  { acltype: 'publishClientReceive', topic: filter, allow: true },
];

/**
 * The roles of a plant, one per scope unit (station events, station signals, line corrections,
 * line live state, area OEE, site OEE), plus admin, service and dynsec-admin. Sessions get a set
 * of these at login (`rolesFor`), so a user's scope change needs no broker change; only a change
 * of the plant's structure (a new station) needs `broker-config` (or the service's role sync) again.
 */
export function dynsecRoles(index: PlantIndex): DynsecRole[] {
  const byRole = new Map<string, DynsecAcl[]>();
  for (const { topic, role, access } of plantTopics(index)) {
    byRole.set(role, [...(byRole.get(role) ?? []), ...(access === 'write' ? [send(topic)] : read(topic))]);
  }
  const root = `${TOPIC_ROOT}/${index.site}`;
  const svc = serviceTopics(index.site);
  const roles: DynsecRole[] = [...byRole].map(([rolename, acls]) => ({ rolename, acls }));
  roles.push(
    // A gateway's connector health is its own word (core/access.ts): denied first, even to admins.
    { rolename: ROLE.admin, textdescription: 'Floorboard admin: the whole site', acls: [{ ...send(topics.connectorHealthFilter(index.site)), allow: false, priority: 1 }, send(`${root}/#`), ...readPattern(`${root}/#`)] },
    { rolename: ROLE.service, textdescription: 'Floorboard service: ingest and live state', acls: [...svc.read.flatMap(readPattern), ...svc.write.map(send)] },
    {
      rolename: ROLE.dynsecAdmin,
      textdescription: 'Manage sessions through $CONTROL/dynamic-security/v1',
      acls: [send('$CONTROL/dynamic-security/#'), ...readPattern('$CONTROL/dynamic-security/#')],
    },
  );
  return roles;
}

/** The role of one session's acknowledgements: read its own device's ack topic, nothing else. */
export function ackRole(site: string, deviceId: string): DynsecRole {
  return { rolename: ROLE.ack(deviceId), textdescription: 'Floorboard: acks of one device', acls: read(topics.ack(site, deviceId)) };
}

/** The role of one gateway session's connector health: publish (retained) on its own device's health topic. */
export function healthRole(site: string, deviceId: string): DynsecRole {
  return { rolename: ROLE.health(deviceId), textdescription: 'Floorboard: connector health of one gateway', acls: [send(topics.connectorHealth(site, deviceId))] };
}

/** The role of one device's own report (app version, waiting entries): write its own topic, nothing else. */
export function reportRole(site: string, deviceId: string): DynsecRole {
  return { rolename: ROLE.report(deviceId), textdescription: 'Floorboard: the report of one device', acls: [send(topics.deviceStatus(site, deviceId))] };
}
