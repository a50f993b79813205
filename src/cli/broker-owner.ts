import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A system account: who Mosquitto runs as once it has dropped root. */
export interface Account {
  name: string;
  uid: number;
  gid: number;
}

/**
 * Mosquitto started as root switches to this user (its `user` option's default) before it loads
 * the dynamic-security plugin or reads password and ACL files.
 */
export const MOSQUITTO_USER = 'mosquitto';

/** The account's uid and primary gid, through the system's user database (`id`); null when there is none. */
export async function lookupAccount(name: string): Promise<Account | null> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return null;
  }
}

/**
 * `dir` and its ancestors that the account may not enter (no search permission for it as owner,
 * group or other), e.g. `/root (700)`: Mosquitto could not open a file below them.
 */
export async function unreachableFrom(dir: string, account: Account): Promise<string[]> {
  const blocked: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    const { uid, gid, mode } = await stat(d);
    const searchBit = uid === account.uid ? 0o100 : gid === account.gid ? 0o010 : 0o001;
    if ((mode & searchBit) === 0) blocked.push(`${d} (${(mode & 0o777).toString(8)})`);
    if (dirname(d) === d) return blocked;
  }
}
