import { z } from 'zod';
import { FloorboardError, topicIdSchema } from '../core/index.ts';
import { adminUsersSchema, plantAppliedSchema, userAddRequestSchema, type PlantAppliedWire } from '../core/contracts/plant-config.ts';
import { ADMIN_REQUIRED, adminArgs, adminClient, adminFlags, subcommandOf, secretFromStdin } from './admin-client.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { USER_USAGE } from './user-usage.ts';

const ids = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(topicIdSchema).min(1, 'must name at least one id'));
const flags = {
  ...adminFlags,
  id: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  badge: { type: 'string' },
  stations: { type: 'string' },
  lines: { type: 'string' },
  areas: { type: 'string' },
  reason: { type: 'string' },
} as const;
const argsSchema = z.object({
  ...adminArgs,
  id: z.optional(topicIdSchema),
  name: z.string().trim().min(1).optional(),
  role: z.enum(['operator', 'lead', 'manager', 'admin', 'gateway', 'importer']).optional(),
  badge: z.string().trim().min(1).optional(),
  stations: ids.optional(),
  lines: ids.optional(),
  areas: ids.optional(),
  reason: z.string().trim().min(1, 'say why: it is kept with the version').max(2000).optional(),
});

const subcommands = ['list', 'add', 'set-pin', 'disable', 'enable'] as const;
type Sub = (typeof subcommands)[number];
const needs: Record<Sub, Record<string, string>> = {
  list: {},
  add: { id: 'ID', name: 'NAME', role: 'ROLE', reason: 'TEXT' },
  'set-pin': { id: 'ID', reason: 'TEXT' },
  disable: { id: 'ID', reason: 'TEXT' },
  enable: { id: 'ID', reason: 'TEXT' },
};

function said(io: CliIo, r: PlantAppliedWire): number {
  io.out(r.isApplied ? `Applied as plant version ${r.version}:\n${r.diff.map((l) => `  ${l}\n`).join('')}` : `No changes: version ${r.version} already says so.\n`);
  return EXIT.ok;
}

/** `floorboard user list|add|set-pin|disable|enable`: the plant's people, on a running service. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const picked = subcommandOf(argv, subcommands, USER_USAGE, 'user', io);
  if (typeof picked === 'number') return picked;
  const { sub, rest } = picked;
  const args = parseFlags(rest, flags, argsSchema, { ...ADMIN_REQUIRED, ...needs[sub] });
  if (args.help) {
    io.out(USER_USAGE);
    return EXIT.ok;
  }
  const id = args.id!;
  const meta = { reason: args.reason };
  if (sub === 'add') {
    const secret = await secretFromStdin(io, args.role === 'operator' ? 'pin' : 'password');
    const scope = { ...(args.badge ? { badge: args.badge } : {}), ...(args.stations ? { stations: args.stations } : {}), ...(args.lines ? { lines: args.lines } : {}), ...(args.areas ? { areas: args.areas } : {}) };
    const user = { id, name: args.name, role: args.role, ...scope, ...(args.role === 'operator' ? { pin: secret } : { password: secret }) };
    // Checked here as the service will, so a missing --badge is said before signing in.
    const checked = userAddRequestSchema.safeParse({ user, ...meta });
    if (!checked.success)
      throw new FloorboardError('invalid-arguments', 'bad arguments', { details: checked.error.issues.map((i) => `${i.path.at(-1) === 'pin' || i.path.at(-1) === 'password' ? 'standard input' : `--${String(i.path.at(-1))}`}: ${i.message}`) });
    const admin = await adminClient(args, io);
    return said(io, await admin.call('/api/admin/users', plantAppliedSchema, { method: 'POST', body: checked.data }));
  }
  if (sub === 'set-pin') {
    const secret = await secretFromStdin(io, 'pin');
    const admin = await adminClient(args, io);
    return said(io, await admin.call(`/api/admin/users/${encodeURIComponent(id)}/secret`, plantAppliedSchema, { method: 'POST', body: { secret, ...meta } }));
  }
  const admin = await adminClient(args, io);
  if (sub === 'list') {
    const { version, users } = await admin.call('/api/admin/users', adminUsersSchema);
    io.out(`Plant version ${version}: ${users.length} users\n`);
    for (const u of users) {
      const scope = u.badge ? `badge ${u.badge}, stations ${u.stations?.join(',')}` : u.stations ? `stations ${u.stations.join(',')}` : u.lines ? `lines ${u.lines.join(',')}` : u.areas ? `areas ${u.areas.join(',')}` : u.role === 'manager' ? 'whole site' : '';
      io.out(`${u.id.padEnd(16)} ${u.role.padEnd(9)} ${u.isDisabled ? 'DISABLED ' : ''}${u.name}${scope ? `  (${scope})` : ''}\n`);
    }
    return EXIT.ok;
  }
  return said(io, await admin.call(`/api/admin/users/${encodeURIComponent(id)}/disabled`, plantAppliedSchema, { method: 'POST', body: { isDisabled: sub === 'disable', ...meta } }));
}
