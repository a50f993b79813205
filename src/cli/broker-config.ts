import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { indexPlant } from '../core/plant-index.ts';
import { loadPlantFile } from '../server/plant-file.ts';
import { parseFlags } from './args.ts';
import { BROKER_CONFIG_USAGE } from './broker-config-usage.ts';
import { EXIT, type CliIo } from './command.ts';
import { lookupAccount, MOSQUITTO_USER, unreachableFrom, type Account } from './broker-owner.ts';
import { renderBrokerConfig, type OutFile } from './mosquitto-files.ts';
import { renderCentralBrokerConfig } from './mosquitto-central.ts';
import { readCentralFile } from '../server/central/central-file.ts';
import { readPassword as readBridgePassword } from './service-session.ts';

const port = z.coerce.number({ message: 'must be a port number' }).int('must be a whole number').min(1, 'must be 1..65535').max(65535, 'must be 1..65535');
const argsSchema = z.object({
  help: z.boolean().default(false),
  plant: z.string().min(1, 'must not be empty').optional(),
  central: z.string().min(1, 'must not be empty').optional(),
  out: z.string().min(1, 'must not be empty').optional(),
  auth: z.enum(['dynsec', 'acl'], { error: 'must be one of dynsec, acl' }).default('dynsec'),
  'tcp-port': port.default(1883),
  'ws-port': port.default(9001),
  bind: z.string().regex(/^[\w.:-]+$/, 'must be an IP address or host name').optional(),
  plugin: z.string().min(1, "must not be empty").default('/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so'),
  'bridge-to': z.string().regex(/^mqtts?:\/\/[\w.-]+(:\d{1,5})?\/?$/, 'must be mqtt://host[:port] or mqtts://host[:port] of the central broker').optional(),
  'bridge-user': z.string().regex(/^[\w.@-]+$/, 'must be a user name without spaces').optional(),
  'bridge-password-file': z.string().min(1, 'must not be empty').optional(),
});

const flags = {
  help: { type: 'boolean', short: 'h' },
  plant: { type: 'string' },
  central: { type: 'string' },
  out: { type: 'string' },
  auth: { type: 'string' },
  'tcp-port': { type: 'string' },
  'ws-port': { type: 'string' },
  bind: { type: 'string' },
  plugin: { type: 'string' },
  'bridge-to': { type: 'string' },
  'bridge-user': { type: 'string' },
  'bridge-password-file': { type: 'string' },
} as const;

/** `floorboard broker-config`: writes the Mosquitto files for a plant. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const checked = argsSchema
    .refine((a) => a['tcp-port'] !== a['ws-port'], { message: 'must differ from --tcp-port', path: ['ws-port'] })
    .refine((a) => !a['bridge-to'] || a['bridge-user'], { message: 'is needed with --bridge-to: the account of this site on the central broker', path: ['bridge-user'] })
    .refine((a) => !a['bridge-user'] || a['bridge-to'], { message: 'needs --bridge-to', path: ['bridge-user'] })
    .refine((a) => a.help || (a.plant === undefined) !== (a.central === undefined), { message: 'give one of --plant FILE (a site or plant broker) and --central FILE (the central broker of many sites)', path: ['plant'] })
    .refine((a) => !a.central || !a['bridge-to'], { message: 'is for a site broker (--plant), not the central one', path: ['bridge-to'] });
  const args = parseFlags(argv, flags, checked, { out: 'DIR' });
  if (args.help) {
    io.out(BROKER_CONFIG_USAGE);
    return EXIT.ok;
  }
  if (args.central) {
    const centralPath = resolve(io.cwd, args.central);
    const dir = resolve(io.cwd, args.out!);
    const file = await readCentralFile(centralPath);
    return writeBrokerFiles(dir, renderCentralBrokerConfig({ file, centralPath, dir, tcpPort: args['tcp-port'], bind: args.bind, centralSource: args.central }), io, 'CENTRAL_FILE=... npm run start:central');
  }
  const plant = await loadPlantFile(resolve(io.cwd, args.plant!));
  const dir = resolve(io.cwd, args.out!);
  // The central broker's password: from a file or the environment, never the command line.
  const bridge = args['bridge-to']
    ? {
        url: args['bridge-to'],
        username: args['bridge-user']!,
        password: await readBridgePassword(args['bridge-password-file'] && resolve(io.cwd, args['bridge-password-file']), process.env.FLOORBOARD_BRIDGE_PASSWORD, (p) => readFile(p, 'utf8'), { flag: '--bridge-password-file', env: 'FLOORBOARD_BRIDGE_PASSWORD' }),
      }
    : undefined;
  const files = renderBrokerConfig({
    index: indexPlant(plant),
    dir,
    tcpPort: args['tcp-port'],
    wsPort: args['ws-port'],
    bind: args.bind,
    auth: args.auth,
    plantSource: args.plant!,
    pluginPath: args.plugin,
    bridge,
  });
  return writeBrokerFiles(dir, files, io, 'npm start');
}

/** Writes the files (secrets 0600), hands Mosquitto's own to its user when run as root, and says how to start. */
async function writeBrokerFiles(dir: string, files: readonly OutFile[], io: CliIo, startCommand: string): Promise<number> {
  await mkdir(join(dir, 'data'), { recursive: true });
  // Run as root, Mosquitto drops to its own user before reading its files: hand those to it.
  const isRoot = process.getuid?.() === 0;
  const broker = isRoot ? await lookupAccount(MOSQUITTO_USER) : null;
  for (const f of files) {
    const path = join(dir, f.name);
    await writeFile(path, f.text, { mode: f.isSecret ? 0o600 : 0o644 });
    // writeFile's mode applies only to new files; tighten an existing one too.
    await chmod(path, f.isSecret ? 0o600 : 0o644);
    if (broker && f.isBrokerFile) await chown(path, broker.uid, broker.gid);
    io.out(`wrote ${path}${f.isSecret ? ' (secret, 0600)' : ''}${broker && f.isBrokerFile ? `, owned by ${broker.name}` : ''}\n`);
  }
  if (broker) await shareWithBroker(dir, broker, io);
  else if (isRoot)
    io.err(`warning: no user "${MOSQUITTO_USER}" here; Mosquitto started as root falls back to "nobody", which cannot read ${dir}. Run it as the user that owns these files.\n`);
  io.out(`\nStart the broker:  mosquitto -c ${join(dir, 'mosquitto.conf')}\nStart the service: set -a; . ${join(dir, 'service.env')}; set +a; ${startCommand}\n`);
  return EXIT.ok;
}

/**
 * Gives Mosquitto's user what it needs beside its own files: its persistence directory, and the
 * right to create files in DIR (the dynamic-security plugin saves by writing a new file there and
 * renaming it over the old). DIR stays root's, group-shared with Mosquitto and sticky (1770), so
 * Mosquitto can neither read nor remove root's service.env or credentials.json, and others cannot
 * enter at all.
 */
async function shareWithBroker(dir: string, broker: Account, io: CliIo): Promise<void> {
  await chown(join(dir, 'data'), broker.uid, broker.gid);
  await chmod(join(dir, 'data'), 0o700);
  await chown(dir, 0, broker.gid);
  await chmod(dir, 0o1770);
  const blocked = await unreachableFrom(dir, broker);
  if (blocked.length > 0)
    io.err(`warning: user ${broker.name} cannot enter ${blocked.join(', ')}, so Mosquitto cannot read its files: choose an --out below directories it can enter (e.g. /etc/floorboard-broker), or allow it (chmod o+x ${blocked.map((b) => b.split(' ')[0]).join(' ')}).\n`);
}
