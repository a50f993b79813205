import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { indexPlant } from '../../src/core/plant-index.ts';
import type { BridgeTarget } from '../../src/cli/mosquitto-bridge.ts';
import { renderBrokerConfig, type AuthMode } from '../../src/cli/mosquitto-files.ts';
import { loadPlantFile } from '../../src/server/plant-file.ts';
import type { PlainBroker } from '../gateway/support/plain-broker.ts';

export const MOSQUITTO_BIN = '/usr/sbin/mosquitto';

/** A real Mosquitto running on free 127.0.0.1 ports with a configuration from `broker-config`. */
export interface MosquittoBroker {
  dir: string;
  tcpPort: number;
  wsPort: number;
  /** Variables of the generated service.env (MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD). */
  serviceEnv: Record<string, string>;
  /** Static per-user passwords (acl mode only). */
  credentials: Record<string, string>;
  /** What Mosquitto printed, for failure messages. */
  log: () => string;
  stop: () => Promise<void>;
  /** SIGKILL: whatever it had not saved to its persistence file is gone (chaos suite). */
  kill9: () => Promise<void>;
  /** Starts it again on the same configuration, ports and persistence directory. */
  restart: () => Promise<void>;
}

/** Asks the OS for a free port on 127.0.0.1 (closed again at once; a tiny race we accept in tests). */
/** Two different free ports: a port just freed may be handed out again at once. */
export async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function waitForPort(port: number, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mosquitto exited with ${child.exitCode}:\n${log()}`);
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (isOpen) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms:\n${log()}`);
}

const parseEnv = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/**
 * Writes the broker-config files for a plant into a temp dir and starts `/usr/sbin/mosquitto -c`
 * on them. As root, Mosquitto would drop to the `mosquitto` user, which cannot read the 0600 files
 * in our temp dir (nor rewrite dynamic-security.json), so `user root` is added to the conf then.
 */
export async function startMosquitto(plantFile: string, auth: AuthMode, options: { verbose?: boolean; bridge?: BridgeTarget } = {}): Promise<MosquittoBroker> {
  // A free port can be taken by another test between our look and Mosquitto's bind: try new ones.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMosquittoOnce(plantFile, auth, options);
    } catch (error) {
      if (attempt >= 3 || !/Unable to create .*listener|Address already in use/i.test(String(error))) throw error;
    }
  }
}

async function startMosquittoOnce(plantFile: string, auth: AuthMode, options: { verbose?: boolean; bridge?: BridgeTarget }): Promise<MosquittoBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'floorboard-mosq-'));
  const [tcpPort, wsPort] = await twoFreePorts();
  const files = renderBrokerConfig({
    index: indexPlant(await loadPlantFile(plantFile)),
    dir,
    tcpPort,
    wsPort,
    bind: '127.0.0.1',
    auth,
    plantSource: plantFile,
    pluginPath: '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so',
    bridge: options.bridge,
  });
  for (const f of files) await writeFile(join(dir, f.name), f.text, { mode: f.isSecret ? 0o600 : 0o644 });
  const extra = [process.getuid?.() === 0 ? 'user root' : '', 'log_dest stderr', 'log_type error', 'log_type warning', ...(options.verbose ? ['log_type notice'] : [])];
  const confPath = join(dir, 'mosquitto.conf');
  await writeFile(confPath, `${await readFile(confPath, 'utf8')}\n${extra.join('\n')}\n`);
  await mkdir(join(dir, 'data'), { recursive: true });
  let output = '';
  const launch = () => {
    const c = spawn(MOSQUITTO_BIN, ['-c', confPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    c.stdout.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr.on('data', (d: Buffer) => (output += d.toString()));
    return c;
  };
  let child = launch();
  const log = () => output;
  const stop = async () => {
    // A broker that died of a signal has exitCode null but will never emit 'exit' again.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort(tcpPort, child, log, 5000);
    await waitForPort(wsPort, child, log, 5000);
  } catch (error) {
    await stop();
    throw error;
  }
  const env = parseEnv(files.find((f) => f.name === 'service.env')!.text);
  const creds = files.find((f) => f.name === 'credentials.json');
  const kill9 = async () => {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };
  const restart = async () => {
    child = launch();
    await waitForPort(tcpPort, child, log, 10_000);
    await waitForPort(wsPort, child, log, 10_000);
  };
  return { dir, tcpPort, wsPort, serviceEnv: env, credentials: creds ? (JSON.parse(creds.text) as Record<string, string>) : {}, log, stop, kill9, restart };
}

/** The central broker of many sites, from `broker-config --central` (one account per site bridge). */
export interface CentralMosquitto extends PlainBroker {
  /** Variables of its service.env (MQTT_URL, MQTT_USERNAME, MQTT_PASSWORD, CENTRAL_FILE). */
  serviceEnv: Record<string, string>;
  /** credentials.json: each bridge's password, and the central service's. */
  credentials: Record<string, string>;
}

export async function startCentralMosquitto(centralPath: string): Promise<CentralMosquitto> {
  const { renderCentralBrokerConfig } = await import('../../src/cli/mosquitto-central.ts');
  const { readCentralFile } = await import('../../src/server/central/central-file.ts');
  const { startPlainBroker } = await import('../gateway/support/plain-broker.ts');
  const file = await readCentralFile(centralPath);
  let files: { name: string; text: string; isSecret: boolean }[] = [];
  const broker = await startPlainBroker(async (dir, port) => {
    files = renderCentralBrokerConfig({ file, centralPath, dir, tcpPort: port, bind: '127.0.0.1', centralSource: centralPath });
    for (const f of files) await writeFile(join(dir, f.name), f.text, { mode: f.isSecret ? 0o600 : 0o644 });
    await mkdir(join(dir, 'data'), { recursive: true });
    return [...files.find((f) => f.name === 'mosquitto.conf')!.text.split('\n'), 'log_dest stderr', 'log_type error'];
  });
  return {
    ...broker,
    serviceEnv: parseEnv(files.find((f) => f.name === 'service.env')!.text),
    credentials: JSON.parse(files.find((f) => f.name === 'credentials.json')!.text) as Record<string, string>,
  };
}
