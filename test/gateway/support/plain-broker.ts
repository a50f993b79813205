import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, MOSQUITTO_BIN, waitForPort } from '../../helpers/mosquitto.ts';

export interface PlainBroker {
  url: string;
  /** Stops the broker (SIGTERM: it saves its persistence); `start` brings it back on the same port. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Stops it and removes its files. */
  dispose: () => Promise<void>;
}

/**
 * A plain Mosquitto on a free loopback port: anonymous and without persistence unless `conf`
 * gives its own access and persistence lines (written into the broker's temp dir), e.g. a
 * plant's unified namespace as a Sparkplug edge node sees it, or a central broker.
 */
export async function startPlainBroker(conf?: (dir: string, port: number) => Promise<string[]>): Promise<PlainBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-uns-'));
  const port = await freePort();
  const confPath = join(dir, 'mosquitto.conf');
  const lines = conf ? await conf(dir, port) : ['allow_anonymous true', 'persistence false'];
  // A configuration with a listener of its own (on `port`) keeps it.
  const listener = lines.some((l) => l.startsWith('listener ')) ? [] : [`listener ${port} 127.0.0.1`];
  await writeFile(confPath, [...listener, ...lines, ...(process.getuid?.() === 0 ? ['user root'] : []), ''].join('\n'));
  let child: ChildProcess | null = null;
  let out = '';
  const start = async () => {
    const c = spawn(MOSQUITTO_BIN, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child = c;
    await waitForPort(port, c, () => out, 10_000);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    start,
    stop,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
