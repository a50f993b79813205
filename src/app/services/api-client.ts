import * as z from 'zod/mini';
import { FloorboardError } from '../../core/errors.ts';
import { topicIdSchema } from '../../core/ids.schema.ts';
import { rosterSchema, type RosterEntry } from '../adapters/cache-idb.ts';

/** The login answer of the agreed contract (POST /api/login). */
export const loginResultSchema = z.object({
  token: z.string().check(z.minLength(1)),
  expiresAt: z.number().check(z.int()),
  user: z.object({
    id: topicIdSchema,
    name: z.string(),
    role: z.string(),
    stations: z.optional(z.array(z.string())),
    lines: z.optional(z.array(z.string())),
    areas: z.optional(z.array(z.string())),
  }),
  mqtt: z.object({ path: z.string(), username: z.string(), password: z.string(), clientId: z.string() }),
});
export type LoginResult = z.infer<typeof loginResultSchema>;

export type LoginRequest =
  | { kind: 'badge'; badge: string; pin: string; deviceId: string; stationId?: string }
  | { kind: 'password'; userId: string; password: string; deviceId: string };

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

async function call<T>(path: string, schema: z.ZodMiniType<T>, init: RequestInit, timeoutMs = 8000): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new FloorboardError('internal', `network: ${path} unreachable`, { cause });
  }
  // A gateway or proxy answering for a service that is down is the same as no network.
  if (response.status >= 502) throw new FloorboardError('internal', `network: ${path} answered ${response.status}`);
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const err = errorBodySchema.safeParse(body);
    const code = response.status === 401 ? 'unauthorized' : response.status === 423 || response.status === 429 ? 'locked-out' : response.status === 403 ? 'forbidden' : 'internal';
    throw new FloorboardError(code, err.success ? err.data.error.message : `${path} answered ${response.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new FloorboardError('internal', `${path} answered an unexpected shape`, { cause: parsed.error });
  return parsed.data;
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** True when the failure was the network, not the service saying no. */
export const isNetworkError = (e: unknown): boolean => e instanceof FloorboardError && e.code === 'internal' && e.message.startsWith('network:');

export const api = {
  login: (body: LoginRequest) =>
    call('/api/login', loginResultSchema, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  /** The plant model scoped to the caller; parsed by the cache adapter. */
  plant: (token: string) => call('/api/plant', z.unknown(), bearer(token)),
  roster: (token: string, stations: readonly string[]): Promise<RosterEntry[]> =>
    call(`/api/roster?stations=${encodeURIComponent(stations.join(','))}`, z.union([rosterSchema, z.pipe(z.object({ operators: rosterSchema }), z.transform((r) => r.operators))]), bearer(token)),
  time: () => call('/api/time', z.object({ now: z.number() }), {}, 3000),
  /** Any scoped GET of the API, parsed with `schema`. */
  get: <T>(path: string, schema: z.ZodMiniType<T>, token: string): Promise<T> => call(path, schema, bearer(token)),
};
