import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FloorboardError, topicIdSchema } from '../core/index.ts';
import { EXIT, type CliIo } from './command.ts';
import { describeRefusal, readPassword, signIn, type ServiceSession } from './service-session.ts';

/** The flags every admin command takes to reach and sign in to the service. */
export const adminFlags = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  user: { type: 'string' },
  'password-file': { type: 'string' },
} as const;

export const adminArgs = {
  help: z.boolean().default(false),
  url: z.url({ protocol: /^https?$/, error: 'must be the service URL, e.g. http://localhost:8080' }).optional(),
  user: z.optional(topicIdSchema),
  'password-file': z.string().min(1, 'must not be empty').optional(),
};

export const ADMIN_REQUIRED = { url: 'URL', user: 'ID' };

/** A signed-in admin's calls to the service's admin API, each answer parsed with its contract. */
export interface AdminClient {
  call<T>(path: string, schema: z.core.$ZodType<T>, init?: { method: string; body: unknown }): Promise<T>;
}

/** Signs in with the admin's password (from --password-file or FLOORBOARD_PASSWORD, never the command line). */
export async function adminClient(args: { url?: string | undefined; user?: string | undefined; 'password-file'?: string | undefined }, io: CliIo): Promise<AdminClient> {
  const password = await readPassword(args['password-file'] && resolve(io.cwd, args['password-file']), process.env.FLOORBOARD_PASSWORD, (p) => readFile(p, 'utf8'));
  const session: ServiceSession = await signIn(args.url!, args.user!, password, `cli-${args.user!}`.slice(0, 64));
  return {
    async call(path, schema, init) {
      const res = await fetch(new URL(path, session.base), {
        method: init?.method ?? 'GET',
        headers: { authorization: `Bearer ${session.token}`, ...(init ? { 'content-type': 'application/json' } : {}) },
        ...(init ? { body: JSON.stringify(init.body) } : {}),
      });
      if (!res.ok) {
        const code = res.status === 422 ? 'invalid-plant' : res.status === 409 ? 'conflict' : res.status === 400 ? 'invalid-arguments' : 'forbidden';
        throw new FloorboardError(code, `the service refused: ${await describeRefusal(res)}`);
      }
      const parsed = z.safeParse(schema, await res.json());
      if (!parsed.success) throw new FloorboardError('internal', `the service answered ${path} in an unknown shape`);
      return parsed.data;
    },
  };
}

/** A secret (PIN, password) from standard input: its first line. Never from the command line, where `ps` and the shell history show it. */
export async function secretFromStdin(io: CliIo, what: string): Promise<string> {
  const text = io.stdin ? await io.stdin() : '';
  const secret = text.split(/\r?\n/, 1)[0] ?? '';
  if (secret === '') throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [`standard input: give the ${what} on standard input, e.g. printf '%s\\n' "$${what.toUpperCase()}" | floorboard ...`] });
  return secret;
}

/**
 * The subcommand of `floorboard <command> <sub> ...` and the rest of the line; a number when
 * there is none to run (help asked for: 0; nothing given: 2, with the usage on standard error).
 */
export function subcommandOf<S extends string>(argv: string[], known: readonly S[], usage: string, command: string, io: CliIo): { sub: S; rest: string[] } | number {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    (sub === undefined ? io.err : io.out)(usage);
    return sub === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!(known as readonly string[]).includes(sub)) throw new FloorboardError('invalid-arguments', `unknown ${command} command "${sub}"`, { details: [`known: ${known.join(', ')}`] });
  return { sub: sub as S, rest };
}
