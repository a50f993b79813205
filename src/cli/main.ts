/**
 * The `floorboard` command line. `bin/floorboard.mjs` runs this file through tsx.
 * New subcommands (e.g. `broker-config`) are one entry in `commands`.
 */
import { pathToFileURL } from 'node:url';
import { FloorboardError } from '../core/index.ts';
import { EXIT, exitCodeFor, type CliCommand, type CliIo } from './command.ts';
import { BROKER_CONFIG_USAGE } from './broker-config-usage.ts';
import { OEE_USAGE } from './oee-usage.ts';
import { IMPORT_USAGE } from './import-usage.ts';
import { EXPORT_USAGE } from './export-usage.ts';
import { GATEWAY_USAGE } from './gateway-usage.ts';
import { PLANT_USAGE } from './plant-usage.ts';
import { USER_USAGE } from './user-usage.ts';
import { DEVICE_USAGE } from './device-usage.ts';
import { HASH_SECRET_USAGE } from './hash-secret-usage.ts';

export const commands: Record<string, CliCommand> = {
  oee: { summary: 'compute OEE from a plant file and an events file', usage: OEE_USAGE, load: () => import('./oee-command.ts') },
  import: { summary: 'turn a stop, count or changeover log (CSV, XLSX) into events', usage: IMPORT_USAGE, load: () => import('./import-command.ts') },
  export: { summary: 'fetch the events a plant service computes with, as NDJSON', usage: EXPORT_USAGE, load: () => import('./export-command.ts') },
  gateway: { summary: 'read machines over OPC UA and publish their signals to the service', usage: GATEWAY_USAGE, load: () => import('./gateway-command.ts') },
  plant: { summary: "export a running service's plant configuration, or apply a file as a new version", usage: PLANT_USAGE, load: () => import('./plant-command.ts') },
  user: { summary: 'list, add, disable or enable users and set PINs on a running service', usage: USER_USAGE, load: () => import('./user-command.ts') },
  device: { summary: 'list the tablets and gateways of a running service, or revoke one', usage: DEVICE_USAGE, load: () => import('./device-command.ts') },
  'hash-secret': { summary: 'hash a PIN or password read from standard input, for the plant file', usage: HASH_SECRET_USAGE, load: () => import('./hash-secret-command.ts') },
  'broker-config': { summary: 'write a Mosquitto configuration enforcing the plant scopes', usage: BROKER_CONFIG_USAGE, load: () => import('./broker-config.ts') },
};

function mainUsage(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const list = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return ['Usage: floorboard <command> [options]', '', 'Commands:', ...list, '', 'Run "floorboard <command> --help" for its options.', ''].join('\n');
}

/** Prints an error the same way for every command: message, one line per detail, usage on bad arguments. */
export function reportError(error: unknown, io: CliIo, usage: string): number {
  if (error instanceof FloorboardError) {
    io.err(`floorboard: ${error.message}\n`);
    for (const detail of error.details) io.err(`  ${detail}\n`);
    if (error.code === 'invalid-arguments') io.err(`\n${usage}`);
  } else {
    io.err(`floorboard: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
  return exitCodeFor(error);
}

/** Runs one command line and returns the exit code; never calls process.exit itself. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(mainUsage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = commands[name];
  if (!command) {
    const error = new FloorboardError('invalid-arguments', `unknown command "${name}"`, { details: [`known commands: ${Object.keys(commands).join(', ')}`] });
    return reportError(error, io, mainUsage());
  }
  try {
    const module = await command.load();
    return await module.run(rest, io);
  } catch (error) {
    return reportError(error, io, command.usage);
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isEntryPoint) {
  const stdin = async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const io: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), cwd: process.cwd(), stdin };
  // Let pending writes flush: set the code instead of exiting hard (large JSON output to a pipe).
  process.exitCode = await runCli(process.argv.slice(2), io);
}
