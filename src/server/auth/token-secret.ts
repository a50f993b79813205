import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The HS256 key for tokens: the configured one, else the one kept in `dataDir/secret`, else a new
 * random one written there (mode 0600) so tokens survive a restart. Never stored in the repository.
 * A kept file that others may read (copied, restored from a backup) is narrowed back to 0600: anyone
 * who reads the key can sign a token for any user.
 */
export async function resolveTokenSecret(configured: string | undefined, dataDir: string): Promise<string> {
  if (configured) return configured;
  const file = join(dataDir, 'secret');
  try {
    const kept = (await readFile(file, 'utf8')).trim();
    if (kept.length >= 32) {
      if (process.platform !== 'win32' && ((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
      return kept;
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString('base64url');
  // `mode` applies only to a new file; a short or empty one left behind is replaced and narrowed too.
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return secret;
}
