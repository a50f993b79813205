import { join } from 'node:path';
import { bridgeUserOf, type CentralFile } from '../core/central/central.schema.ts';
import { TOPIC_ROOT } from '../core/index.ts';
import { mosquittoHash, newBrokerPassword } from '../server/broker/mosquitto-hash.ts';
import { confHead, queueLines, type OutFile } from './mosquitto-files.ts';

/** The central service's account on the central broker. */
export const CENTRAL_USERNAME = 'floorboard-central';

/**
 * The central broker of many sites (issue 16): each site's bridge signs in with an account of
 * its own that may write its own site's topics and nothing else, so one site can never speak for
 * another; the central service reads every site. Persistent sessions are kept on disk, so what
 * the bridges delivered waits for the service across a broker or service restart.
 */
export function renderCentralBrokerConfig(input: { file: CentralFile; centralPath: string; dir: string; tcpPort: number; bind: string | undefined; centralSource: string }): OutFile[] {
  const credentials: Record<string, string> = { [CENTRAL_USERNAME]: newBrokerPassword() };
  for (const site of input.file.sites) credentials[bridgeUserOf(site)] = newBrokerPassword();
  const passwords = Object.entries(credentials).map(([u, pw]) => `${u}:${mosquittoHash(pw).line}`);
  // Sections are separated by one blank line and start with their `user` line.
  const acl = [`# ACL of the central broker for "${input.file.name}" (Mosquitto acl_file), written by floorboard broker-config --central.`, ''];
  acl.push(`user ${CENTRAL_USERNAME}`, `topic read ${TOPIC_ROOT}/#`, '');
  for (const site of input.file.sites) acl.push(`user ${bridgeUserOf(site)}`, `topic write ${TOPIC_ROOT}/${site.id}/#`, '');
  const bind = input.bind ? ` ${input.bind}` : '';
  const conf = [
    ...confHead(`of the central broker for "${input.file.name}"`, `floorboard broker-config --central ${input.centralSource}`),
    "# The sites' bridges and the central service; put TLS in front in production (the bridges then use mqtts://).",
    `listener ${input.tcpPort}${bind}`,
    'protocol mqtt',
    '',
    '# The central service subscribes with a persistent session: keep everything it has not acknowledged.',
    ...queueLines(input.dir),
    '',
    `password_file ${join(input.dir, 'passwords')}`,
    `acl_file ${join(input.dir, 'acl')}`,
    '',
  ].join('\n');
  const host = !input.bind || input.bind === '0.0.0.0' ? '127.0.0.1' : input.bind;
  const env = [`MQTT_URL=mqtt://${host}:${input.tcpPort}`, `MQTT_USERNAME=${CENTRAL_USERNAME}`, `MQTT_PASSWORD=${credentials[CENTRAL_USERNAME]}`, `CENTRAL_FILE=${input.centralPath}`];
  return [
    { name: 'mosquitto.conf', text: conf, isSecret: false, isBrokerFile: false },
    { name: 'passwords', text: `${passwords.join('\n')}\n`, isSecret: true, isBrokerFile: true },
    { name: 'acl', text: acl.join('\n'), isSecret: false, isBrokerFile: true },
    // Each site's bridge password, to hand to that site's broker-config (--bridge-password-file).
    { name: 'credentials.json', text: `${JSON.stringify(credentials, null, 2)}\n`, isSecret: true, isBrokerFile: false },
    { name: 'service.env', text: `${env.join('\n')}\n`, isSecret: true, isBrokerFile: false },
  ];
}
