import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A PostgreSQL server for tests: our own throw-away cluster, or the machine's via PG_TEST_URL. */
export interface TestPostgres {
  /** URL of the maintenance database (`postgres`). */
  readonly url: string;
  /** True when this harness started the server itself. */
  readonly isOwn: boolean;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Drops the databases it created, stops its own server and removes its files. */
  stop(): Promise<void>;
  /** Own server only: stops it at once (`-m immediate`, like a crash), waits `downMs`, starts it again on the same port. */
  restart(downMs: number): Promise<void>;
}

/** One connection to `url` for `work`, closed after it whatever happens. */
export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function findBinDir(): string {
  const candidates: string[] = [];
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // pg_config is only in the -dev package; fall through to the Debian layout.
  }
  if (existsSync('/usr/lib/postgresql')) {
    for (const version of readdirSync('/usr/lib/postgresql').sort().reverse()) {
      candidates.push(`/usr/lib/postgresql/${version}/bin`);
    }
  }
  const found = candidates.find((dir) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl')));
  if (found === undefined) throw new Error(`no initdb/pg_ctl found (looked in: ${candidates.join(', ') || 'nothing'})`);
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user. */
function asServerUser(isRoot: boolean, command: string, args: string[]): [string, string[]] {
  return isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function startOwnCluster(): Promise<{ url: string; stop: () => Promise<void>; restart: (downMs: number) => Promise<void> }> {
  const bin = findBinDir();
  const isRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), 'fb-pg-'));
  const data = join(dir, 'data');
  const exec = (tool: string, args: string[]) => {
    const [command, argv] = asServerUser(isRoot, join(bin, tool), args);
    return run(command, argv, { timeout: 60_000 });
  };
  let isStarted = false;
  const stopSync = () => {
    if (isStarted) execFileSync(...asServerUser(isRoot, join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']));
  };
  // Last resort if a test run dies before its afterAll: never leave a postmaster behind.
  process.once('exit', stopSync);
  const stop = async () => {
    process.removeListener('exit', stopSync);
    if (isStarted) await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    isStarted = false;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (isRoot) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
      await chown(dir, uid, gid);
    }
    await exec('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync']);
    let lastError: unknown;
    // A free port can be taken between the probe and the start: try a few.
    for (let attempt = 0; attempt < 3 && !isStarted; attempt++) {
      const port = await freePort();
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
      try {
        const start = () => exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', '-t', '30', 'start']);
        await start();
        isStarted = true;
        const restart = async (downMs: number) => {
          await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
          await new Promise((r) => setTimeout(r, downMs));
          await start();
        };
        return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop, restart };
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Starts a private PostgreSQL cluster (initdb in a temp dir, trust auth, 127.0.0.1 on a free
 * port); if that fails, uses the server named by PG_TEST_URL. Call `stop()` in afterAll.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  let url: string;
  let stopServer: () => Promise<void> = async () => undefined;
  let restart: (downMs: number) => Promise<void> = () => Promise.reject(new Error('PG_TEST_URL names a server this harness cannot restart'));
  let isOwn = false;
  try {
    ({ url, stop: stopServer, restart } = await startOwnCluster());
    isOwn = true;
  } catch (error) {
    const fallback = process.env.PG_TEST_URL;
    if (fallback === undefined || fallback === '') {
      throw new Error(`could not start a test PostgreSQL and PG_TEST_URL is not set: ${String(error)}`, {
        cause: error,
      });
    }
    url = fallback;
  }
  const created: string[] = [];
  const admin = <T>(work: (client: pg.Client) => Promise<T>): Promise<T> => withPgClient(url, work);
  return {
    url,
    isOwn,
    restart,
    async createDatabase() {
      const name = `fb_test_${process.pid}_${created.length}_${Math.random().toString(36).slice(2, 8)}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const target = new URL(url);
      target.pathname = `/${name}`;
      return target.toString();
    },
    async stop() {
      if (!isOwn && created.length > 0) {
        await admin(async (c) => {
          for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        });
      }
      await stopServer();
    },
  };
}
