import { topics } from '../core/index.ts';

/** Where a site's broker forwards its entries: the central broker, and the account it signs in with there. */
export interface BridgeTarget {
  /** mqtt://host:port or mqtts://host:port of the central broker. */
  url: string;
  username: string;
  password: string;
}

/**
 * The Mosquitto bridge of a site's broker to the central one (issue 16, many sites): everything the
 * site's service ingests (entries, machine signals, corrections) and what the central board shows
 * (the site's card, line statuses, OEE of lines, areas and the site) goes out at QoS 1, nothing
 * comes back. With `cleansession false` on both ends and persistence on, messages wait in the site's
 * broker while the link is down and are sent when it returns; the site's own service reads them
 * locally meanwhile, so the site works alone. Topics keep their site id, so sites never collide.
 */
export function bridgeSection(site: string, target: BridgeTarget): string[] {
  const url = new URL(target.url);
  const isTls = url.protocol === 'mqtts:';
  const port = url.port || (isTls ? '8883' : '1883');
  return [
    '',
    `# Bridge to the central Floorboard broker: this site's entries, signals and live figures go out at QoS 1`,
    '# and wait here while the link is down (written by `floorboard broker-config --bridge-to`).',
    `connection floorboard-central-${site}`,
    `address ${url.hostname}:${port}`,
    'bridge_protocol_version mqttv311',
    `remote_clientid floorboard-bridge-${site}`,
    `remote_username ${target.username}`,
    `remote_password ${target.password}`,
    `local_clientid floorboard-bridge-local-${site}`,
    'cleansession false',
    'try_private true',
    'notifications false',
    'bridge_attempt_unsubscribe false',
    '# Try again 2 s after a drop, backing off to 30 s.',
    'restart_timeout 2 30',
    ...(isTls ? ['bridge_capath /etc/ssl/certs'] : []),
    ...topics.bridgedOut(site).map((t) => `topic ${t} out 1`),
  ];
}
