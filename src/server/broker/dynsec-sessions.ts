import type { Principal } from '../../core/access.ts';
import { FloorboardError, TOPIC_ROOT, topics } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { ackRole, dynsecRoles, healthRole, reportRole } from './dynsec-roles.ts';
import { publishesOwnHealth, readsOwnAck, ROLE, rolesFor } from './mosquitto-scopes.ts';
import { connectDynsecControl, type DynsecCommand } from './dynsec-control.ts';
import { EXPIRY_PREFIX, SessionExpiry } from './dynsec-expiry.ts';

/** One login session to register on the broker. */
export interface BrokerSession {
  principal: Principal;
  deviceId: string;
  password: string;
  expiresAt: number;
}

/** Broker clients for login sessions on an external Mosquitto (dynamic-security plugin). */
export interface DynsecSessions {
  /** Creates the session's broker client (replacing one of the same user and device); resolves its MQTT user name. */
  open(session: BrokerSession): Promise<string>;
  /**
   * A new plant version: roles for its stations and lines, and the broker clients of `userIds`
   * deleted (Mosquitto disconnects them), so those users sign in again under the new version.
   */
  applyPlant(userIds: ReadonlySet<string>): Promise<void>;
  /** Deletes every broker client of the device (Mosquitto disconnects them at once); resolves how many. */
  revokeDevice(deviceId: string): Promise<number>;
  close(): Promise<void>;
}

export interface DynsecOptions {
  url: string;
  username: string;
  password: string;
  clientId: string;
  index: () => PlantIndex;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  /** How long to wait for the plugin's answer; no answer means the broker has no dynamic security for us. */
  timeoutMs?: number;
  /** Instances of a cluster share the broker: expire sessions any of them opened (read every this often). */
  sweepEveryMs?: number;
}

/** The broker user name of a session: one per user and device, so one user may sign in on several devices. */
export const sessionUsername = (userId: string, deviceId: string) => `${userId}@${deviceId}`;

/**
 * Connects to the external broker's `$CONTROL/dynamic-security/v1` API with the service's
 * credentials. Resolves null when the broker does not answer there (no plugin, or the service
 * lacks the admin role): the service then runs without per-session broker clients.
 *
 * A session becomes a broker client `<userId>@<deviceId>` with a fresh random password, bound to
 * client id = device id, holding the scope roles of `rolesFor` and its device's ack role. It is
 * deleted when the token expires; deleting a client makes Mosquitto disconnect it.
 */
export async function connectDynsec(options: DynsecOptions): Promise<DynsecSessions | null> {
  // Generous: a loaded broker answering a burst of createRole commands can take seconds; a broker
  // without the plugin refuses at once (PUBACK 0x87), so this does not slow the fallback down.
  const control = await connectDynsecControl({ ...options, timeoutMs: options.timeoutMs ?? 10_000 });
  const expiry = new SessionExpiry(control, options.now, options.log);
  try {
    await control.listen();
    const [listing] = await control.send([{ command: 'listClients' }]);
    if (listing?.error) throw new FloorboardError('invalid-config', `the MQTT broker refused to list its clients: ${listing.error}`);
    // Roles of the current plant: createRole fails harmlessly for those broker-config already wrote,
    // and a station added since then gets its role without touching the broker's files.
    const created = await control.send(dynsecRoles(options.index()).map((r) => ({ command: 'createRole', ...r })));
    for (const r of created) if (r.error && !/already exists/i.test(r.error)) options.log('dynsec: could not create a role', { error: r.error });
    await grantServiceReads(control, options.index().site, options.log);
    await expiry.restore((listing?.data as { clients?: unknown[] } | undefined)?.clients?.filter((n): n is string => typeof n === 'string') ?? []);
    if (options.sweepEveryMs) expiry.sweepEvery(options.sweepEveryMs);
  } catch (error) {
    options.log('external broker: no dynamic-security API for the service; tablets cannot get broker sessions', { error: (error as Error).message });
    expiry.stop();
    await control.close();
    return null;
  }
  options.log('external broker: per-session clients through dynamic security');

  return {
    async open(session) {
      const { username, commands } = sessionCommands(session, options.index());
      const created = (await control.send(commands)).at(-1);
      if (!created || created.error) throw new FloorboardError('internal', `the MQTT broker refused the session client ${username}: ${created?.error ?? 'no answer'}`);
      expiry.expireAt(username, session.expiresAt);
      return username;
    },
    async applyPlant(userIds) {
      const created = await control.send(dynsecRoles(options.index()).map((r) => ({ command: 'createRole', ...r })));
      for (const r of created) if (r.error && !/already exists/i.test(r.error)) options.log('dynsec: could not create a role', { error: r.error });
      if (userIds.size === 0) return;
      const [listing] = await control.send([{ command: 'listClients' }]);
      const names = ((listing?.data as { clients?: unknown[] } | undefined)?.clients ?? []).filter((n): n is string => typeof n === 'string');
      const doomed = names.filter((n) => userIds.has(n.slice(0, n.lastIndexOf('@'))));
      if (doomed.length) await control.send(doomed.map((username) => ({ command: 'deleteClient', username })));
    },
    async revokeDevice(deviceId) {
      const [listing] = await control.send([{ command: 'listClients' }]);
      if (listing?.error) throw new FloorboardError('internal', `the MQTT broker refused to list its clients: ${listing.error}`);
      const clients = (listing?.data as { clients?: unknown[] } | undefined)?.clients ?? [];
      const names = clients.filter((n): n is string => typeof n === 'string' && n.endsWith(`@${deviceId}`));
      if (names.length === 0) return 0;
      for (const username of names) expiry.forget(username);
      const answers = await control.send(names.map((username) => ({ command: 'deleteClient', username })));
      const failed = answers.filter((a) => a.error && !/not found/i.test(a.error));
      if (failed.length > 0) throw new FloorboardError('internal', `the MQTT broker refused to delete the device's sessions: ${failed.map((f) => f.error).join('; ')}`);
      return names.length;
    },
    async close() {
      expiry.stop();
      await control.close();
    },
  };
}

/** The commands that (re)make a session's broker client: its scope roles, its device's ack role, and its expiry in the description. */
function sessionCommands(session: BrokerSession, index: PlantIndex): { username: string; commands: DynsecCommand[] } {
  const username = sessionUsername(session.principal.id, session.deviceId);
  const roles = rolesFor(session.principal, index).map((rolename) => ({ rolename }));
  const commands: DynsecCommand[] = [{ command: 'deleteClient', username }];
  if (readsOwnAck(session.principal, index)) {
    const ack = ackRole(index.site, session.deviceId);
    commands.push({ command: 'createRole', ...ack });
    roles.push({ rolename: ack.rolename });
  }
  if (publishesOwnHealth(session.principal, index)) {
    const health = healthRole(index.site, session.deviceId);
    commands.push({ command: 'createRole', ...health });
    roles.push({ rolename: health.rolename });
  }
  const report = reportRole(index.site, session.deviceId);
  commands.push({ command: 'createRole', ...report });
  roles.push({ rolename: report.rolename });
  commands.push({
    command: 'createClient',
    username,
    password: session.password,
    clientid: session.deviceId,
    textname: session.principal.name,
    textdescription: `${EXPIRY_PREFIX}${session.expiresAt}`,
    roles,
  });
  return { username, commands };
}

/**
 * A service role written by an older `broker-config` lacks the device reports' filter, and
 * `createRole` leaves an existing role as it is: add the ACLs it misses (an ACL it has is refused harmlessly).
 */
async function grantServiceReads(control: { send: (c: DynsecCommand[]) => Promise<{ error?: string }[]> }, site: string, log: DynsecOptions['log']): Promise<void> {
  const filter = topics.deviceStatusFilter(site);
  // And the ingest filters as members of a shared subscription (instances of a cluster, issue 16).
  const shared = topics.ingestFilters(site).map((f) => `$share/+/${f}`);
  const answers = await control.send([
    { command: 'addRoleACL', rolename: ROLE.service, acltype: 'subscribePattern', topic: filter, allow: true },
    { command: 'addRoleACL', rolename: ROLE.service, acltype: 'publishClientReceive', topic: filter, allow: true },
    ...shared.map((topic) => ({ command: 'addRoleACL', rolename: ROLE.service, acltype: 'subscribePattern', topic, allow: true })),
    // And the shift report announcements, which older configurations did not let it publish.
    { command: 'addRoleACL', rolename: ROLE.service, acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/${site}/+/+/report`, allow: true },
    // And the site's card for a central board (issue 16, many sites).
    { command: 'addRoleACL', rolename: ROLE.service, acltype: 'publishClientSend', topic: topics.siteCard(site), allow: true },
  ]);
  for (const a of answers) if (a.error && !/already/i.test(a.error)) log('dynsec: could not let the service read device reports', { error: a.error });
}
