import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { describeIssues, FloorboardError, type User } from '../../core/index.ts';

type Gateway = Extract<User, { role: 'gateway' }>;

/** `credentials.json` of `floorboard broker-config --auth acl`: user id to broker password. */
const credentialsFileSchema = z.record(z.string().min(1), z.string().min(1, 'must be a non-empty password'));

/**
 * The simulated gateways' own broker accounts, from the credentials file `floorboard broker-config
 * --auth acl` writes (SIM_CREDENTIALS_FILE): each gateway signs in as itself, with the broker's
 * scope for gateways, never with the service's account. Every gateway of the plant that the
 * simulator runs must have an entry; anything wrong is refused with the file and the entries.
 */
export async function loadGatewayCredentials(path: string, gateways: readonly Gateway[]): Promise<(gw: Gateway) => { username: string; password: string }> {
  const fail = (details: string[]) => new FloorboardError('invalid-config', `SIM_CREDENTIALS_FILE ${path} cannot sign in the demo gateways`, { details });
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw fail([`SIM_CREDENTIALS_FILE: ${(error as Error).message}`]);
  }
  const parsed = credentialsFileSchema.safeParse(json);
  if (!parsed.success) throw fail(describeIssues(parsed.error).map((d) => `SIM_CREDENTIALS_FILE: ${d}`));
  const missing = gateways.filter((g) => parsed.data[g.id] === undefined);
  if (missing.length) throw fail(missing.map((g) => `SIM_CREDENTIALS_FILE: no password for gateway "${g.id}"`));
  return (gw) => ({ username: gw.id, password: parsed.data[gw.id]! });
}
