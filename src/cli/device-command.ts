import { z } from 'zod';
import { devicesSchema, revocationSchema, type DeviceViewWire } from '../core/contracts/devices.ts';
import { FloorboardError, topicIdSchema } from '../core/index.ts';
import { ADMIN_REQUIRED, adminArgs, adminClient, adminFlags, subcommandOf } from './admin-client.ts';
import { parseFlags } from './args.ts';
import { EXIT, type CliIo } from './command.ts';
import { DEVICE_USAGE } from './device-usage.ts';

const argsSchema = z.object({
  ...adminArgs,
  reason: z.string().max(500, 'must be at most 500 characters').optional(),
  json: z.boolean().default(false),
});
const flags = { ...adminFlags, reason: { type: 'string' }, json: { type: 'boolean' } } as const;

/**
 * `floorboard device list|revoke`: through the running service over HTTP, signed in as an admin.
 * Not the database: a revocation must also end the device's open broker session and reach the
 * service's in-memory set of revoked devices, which only the running service can do.
 */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const picked = subcommandOf(argv, ['list', 'revoke'] as const, DEVICE_USAGE, 'device', io);
  if (typeof picked === 'number') return picked;
  const { sub, rest } = picked;
  const target = sub === 'revoke' && rest[0] !== undefined && !rest[0].startsWith('-') ? rest.shift() : undefined;
  const args = parseFlags(rest, flags, argsSchema, ADMIN_REQUIRED);
  if (args.help) {
    io.out(DEVICE_USAGE);
    return EXIT.ok;
  }
  if (sub === 'list') return list(await adminClient(args, io), args.json, io);
  if (target === undefined) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: ['DEVICE_ID: is required (floorboard device revoke DEVICE_ID ...)'] });
  const deviceId = topicIdSchema.safeParse(target);
  if (!deviceId.success) throw new FloorboardError('invalid-arguments', 'bad arguments', { details: [`DEVICE_ID "${target}": ${deviceId.error.issues[0]!.message}`] });
  const body = await (await adminClient(args, io)).call(`/api/devices/${deviceId.data}/revoke`, revocationSchema, { method: 'POST', body: { reason: args.reason ?? '' } });
  const owner = body.claimedBy ? `, claimed by ${body.claimedBy} until now` : '';
  io.out(`device ${body.deviceId} revoked by ${body.revokedBy} at ${new Date(body.revokedAt).toISOString()}${owner}; ${body.closedSessions} broker session(s) ended. It must be enrolled again.\n`);
  return EXIT.ok;
}

async function list(client: Awaited<ReturnType<typeof adminClient>>, asJson: boolean, io: CliIo): Promise<number> {
  const { devices } = await client.call('/api/devices', devicesSchema);
  if (asJson) {
    io.out(`${JSON.stringify({ devices }, null, 2)}\n`);
    return EXIT.ok;
  }
  const head = ['device', 'kind', 'station', 'claimed by', 'last seen', 'app', 'waiting', 'clock offset', 'revoked'];
  const rows = devices.map(row);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) io.out(`${r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}\n`);
  return EXIT.ok;
}

const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().slice(0, 19).replace('T', ' '));

function row(d: DeviceViewWire): string[] {
  const offset = d.clockOffsetMs === null ? '-' : `${(d.clockOffsetMs / 1000).toFixed(1)} s${d.isClockFlagged ? ' (!)' : ''}`;
  const revoked = d.revokedAt === null ? '-' : `${time(d.revokedAt)} by ${d.revokedBy}`;
  return [d.deviceId, d.kind, d.stationIds.join(',') || '-', d.claimedBy ?? '-', time(d.lastSeenAt), d.appVersion ?? '-', d.waiting === null ? '-' : String(d.waiting), offset, revoked];
}
