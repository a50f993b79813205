import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { topicIdSchema } from '../core/index.ts';
import { loadPlantFile } from '../server/plant-file.ts';
import { startGateway } from '../gateway/gateway.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { GATEWAY_USAGE } from './gateway-usage.ts';
import { readPassword } from './service-session.ts';

const argsSchema = z.object({
  help: z.boolean().default(false),
  plant: z.string().min(1, 'must not be empty').optional(),
  service: z.url({ protocol: /^https?$/, error: 'must be the service URL, e.g. http://localhost:8080' }).optional(),
  user: z.optional(topicIdSchema),
  device: z.optional(topicIdSchema),
  'data-dir': z.string().min(1, 'must not be empty').optional(),
  'password-file': z.string().min(1, 'must not be empty').optional(),
});

const flags = {
  help: { type: 'boolean', short: 'h' },
  plant: { type: 'string' },
  service: { type: 'string' },
  user: { type: 'string' },
  device: { type: 'string' },
  'data-dir': { type: 'string' },
  'password-file': { type: 'string' },
} as const;

/** `floorboard gateway`: machine connectors as their own process (ADR 0013), until SIGINT or SIGTERM. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseFlags(argv, flags, argsSchema, { plant: 'FILE', service: 'URL', user: 'ID', 'data-dir': 'DIR' });
  if (args.help) {
    io.out(GATEWAY_USAGE);
    return EXIT.ok;
  }
  const plant = await loadPlantFile(resolve(io.cwd, args.plant!));
  const password = await readPassword(args['password-file'] && resolve(io.cwd, args['password-file']), process.env.FLOORBOARD_PASSWORD, (p) => readFile(p, 'utf8'));
  const gateway = await startGateway({
    plant,
    serviceUrl: args.service!,
    userId: args.user!,
    password,
    deviceId: args.device ?? `gateway-${args.user!}`.slice(0, 64),
    dataDir: resolve(io.cwd, args['data-dir']!),
    env: process.env,
    log: (m) => io.err(`${new Date().toISOString()} ${m}\n`),
  });
  io.err(`floorboard gateway: reading ${gateway.stations.join(', ')}; ${gateway.queue.size} events waiting in the queue\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await gateway.close();
  return EXIT.ok;
}
