import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FloorboardError, topicIdSchema } from '../core/index.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { EXPORT_USAGE } from './export-usage.ts';
import { describeRefusal, readPassword, signIn } from './service-session.ts';
import { timeArgSchema } from './time-arg.ts';

const argsSchema = z.object({
  help: z.boolean().default(false),
  url: z.url({ protocol: /^https?$/, error: 'must be the service URL, e.g. http://localhost:8080' }).optional(),
  user: z.optional(topicIdSchema),
  'password-file': z.string().min(1, 'must not be empty').optional(),
  from: timeArgSchema.optional(),
  to: timeArgSchema.optional(),
  line: z.array(topicIdSchema).default([]),
  out: z.string().min(1, 'must not be empty').optional(),
  device: z.optional(topicIdSchema),
});

const flags = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  line: { type: 'string', multiple: true },
  out: { type: 'string' },
  device: { type: 'string' },
} as const;

/** `floorboard export`: the service's events, page by page, as NDJSON. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const args = parseFlags(argv, flags, argsSchema, { url: 'URL', user: 'ID', from: 'TIME', to: 'TIME' });
  if (args.help) {
    io.out(EXPORT_USAGE);
    return EXIT.ok;
  }
  const user = args.user!;
  const password = await readPassword(args['password-file'] && resolve(io.cwd, args['password-file']), process.env.FLOORBOARD_PASSWORD, (p) => readFile(p, 'utf8'));
  const session = await signIn(args.url!, user, password, args.device ?? `export-${user}`.slice(0, 64));
  const out = args.out ? await open(resolve(io.cwd, args.out), 'w') : undefined;
  let count = 0;
  let pages = 0;
  try {
    let cursor: string | null = null;
    do {
      // The service reads dates and local times in the plant's zone: the values go as typed.
      const q: URLSearchParams = new URLSearchParams({ from: args.from!, to: args.to!, ...(args.line.length ? { line: args.line.join(',') } : {}), ...(cursor ? { cursor } : {}) });
      const res: Response = await fetch(new URL(`/api/events?${q}`, session.base), { headers: { authorization: `Bearer ${session.token}` } });
      if (!res.ok) throw new FloorboardError(res.status === 400 ? 'invalid-arguments' : 'forbidden', `the service refused the export: ${await describeRefusal(res)}`);
      const body = await res.text();
      count += body === '' ? 0 : body.split('\n').length - 1;
      pages++;
      if (out) await out.write(body);
      else io.out(body);
      const unreadable = res.headers.get('x-unreadable-events');
      if (unreadable) io.err(`warning: the service holds ${unreadable} stored events that no longer parse; they are not exported\n`);
      cursor = res.headers.get('x-next-cursor');
    } while (cursor);
  } finally {
    await out?.close();
  }
  io.err(`events: ${count} exported in ${pages} page${pages === 1 ? '' : 's'}${args.out ? ` to ${args.out}` : ''}\n`);
  return EXIT.ok;
}
