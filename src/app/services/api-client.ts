import * as z from 'zod/mini';
import { FloorboardError } from '../../core/errors.ts';
import { plantSchema, type Plant } from '../../core/plant.schema.ts';
import { errorOfResponse } from '../../core/contracts/http-errors.ts';
import { loginResultSchema, serviceTimeSchema, type LoginRequestWire, type LoginResultWire } from '../../core/contracts/auth.ts';
import { rosterResponseSchema, type RosterEntry } from '../../core/contracts/roster.ts';
import { auditListSchema, oeeReportSchema, readAuditEntries, paretoSchema, stopsSchema, timelineSchema } from '../../core/contracts/history.ts';
import { shiftReportSchema } from '../../core/report/shift-report.schema.ts';
import { storedReportsSchema } from '../../core/contracts/reports.ts';
import { shiftLogSchema } from '../../core/contracts/shift-log.ts';
import { andonCallsSchema, andonDeliveriesSchema } from '../../core/contracts/andon.ts';
import { deadLettersPageSchema } from '../../core/contracts/dead-letters.ts';
import { connectorsSchema } from '../../core/contracts/connectors.ts';
import { devicesSchema, revocationSchema } from '../../core/contracts/devices.ts';

export type LoginRequest = LoginRequestWire;
export type LoginResult = LoginResultWire;

/**
 * The one HTTP client of the tablet and the dashboards. Every answer is parsed here with the wire
 * contract the service types its answer by (src/core/contracts), and every refusal becomes a
 * FloorboardError through the one status-to-code map (errorOfResponse).
 */
async function send(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new FloorboardError('internal', `network: ${path} unreachable`, { cause });
  }
  // A gateway or proxy answering for a service that is down is the same as no network.
  if (response.status >= 502) throw new FloorboardError('internal', `network: ${path} answered ${response.status}`);
  if (response.ok) return response;
  throw errorOfResponse(path, response.status, await response.json().catch(() => null));
}

export async function call<T>(path: string, schema: z.ZodMiniType<T>, init: RequestInit = {}, timeoutMs = 8000): Promise<T> {
  const body: unknown = await (await send(path, init, timeoutMs)).json().catch(() => null);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new FloorboardError('internal', `${path} answered an unexpected shape`, { cause: parsed.error });
  return parsed.data;
}

export const bearer = (token: string): RequestInit => ({ headers: { authorization: `Bearer ${token}` } });
/** A JSON request with a body (POST, PUT) whose answer is parsed with `schema`. */
export const sendJson = <T>(path: string, token: string, method: 'POST' | 'PUT', body: unknown, schema: z.ZodMiniType<T>): Promise<T> =>
  call(path, schema, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, 15_000);
/** A POST whose refusal comes back as the service's own error (its message is what the user reads). */
const post = async (path: string, token: string, body: unknown): Promise<void> =>
  void (await send(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }, 15_000));

/** True when the failure was the network, not the service saying no. */
export const isNetworkError = (e: unknown): boolean => e instanceof FloorboardError && e.code === 'internal' && e.message.startsWith('network:');

/** A window of history: [from, to) in ms, optionally bucketed. */
export interface HistoryQuery {
  from: number;
  to: number;
  by?: 'hour' | 'shift' | 'day' | 'window';
  lines?: readonly string[];
}
const history = (q: HistoryQuery) => {
  const p = new URLSearchParams({ from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)) });
  if (q.by) p.set('by', q.by);
  if (q.lines?.length) p.set('line', q.lines.join(','));
  return p.toString();
};

/** One line's report of [from, to): computed now, or the copy stored at the shift's end (`stored`). */
export interface ReportQuery {
  lineId: string;
  from: number;
  to: number;
  stored: boolean;
}
const report = (q: ReportQuery, extra: Record<string, string> = {}) =>
  new URLSearchParams({ line: q.lineId, from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)), stored: q.stored ? '1' : '0', ...extra }).toString();

/** History answers can be large (a week of buckets): they get longer than the tablet's calls. */
const HISTORY_TIMEOUT_MS = 15_000;
const historyGet = <T>(path: string, schema: z.ZodMiniType<T>, token: string) => call(path, schema, bearer(token), HISTORY_TIMEOUT_MS);

export const api = {
  login: (body: LoginRequest): Promise<LoginResult> =>
    call('/api/login', loginResultSchema, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  time: () => call('/api/time', serviceTimeSchema, {}, 3000),
  /** The plant model scoped to the caller, unparsed: the tablet's cache adapter parses what it keeps. */
  plantRaw: (token: string) => call('/api/plant', z.unknown(), bearer(token)),
  /** The plant scoped to the caller (no users, no secrets), parsed. */
  plant: async (token: string): Promise<Plant> => plantSchema.parse({ ...((await api.plantRaw(token)) as object), users: [] }),
  roster: async (token: string, stations: readonly string[]): Promise<RosterEntry[]> =>
    (await call(`/api/roster?stations=${encodeURIComponent(stations.join(','))}`, rosterResponseSchema, bearer(token))).operators,
  /** Any scoped GET of the API, parsed with `schema`. */
  get: <T>(path: string, schema: z.ZodMiniType<T>, token: string): Promise<T> => call(path, schema, bearer(token)),

  oee: (token: string, q: HistoryQuery) => historyGet(`/api/oee?${history(q)}`, oeeReportSchema, token),
  stops: (token: string, q: HistoryQuery) => historyGet(`/api/stops?${history(q)}`, stopsSchema, token),
  timeline: (token: string, q: HistoryQuery) => historyGet(`/api/timeline?${history(q)}`, timelineSchema, token),
  pareto: (token: string, q: HistoryQuery) => historyGet(`/api/pareto?${history(q)}`, paretoSchema, token),
  /** Corrections and voids made in the window (the raw entries they change stay stored); entries this version cannot read are counted in `unreadable`. */
  audit: (token: string, q: HistoryQuery) => historyGet(`/api/audit?${history(q)}`, auditListSchema, token).then(readAuditEntries),
  /** Notes and handovers of the window, with who acknowledged each handover (core/handovers.ts). */
  shiftLog: (token: string, q: HistoryQuery) => historyGet(`/api/shift-log?${history(q)}`, shiftLogSchema, token),
  /** The shift report model (the same core function as the stored copy, the PDF and the email). */
  shiftReport: (token: string, q: ReportQuery) => historyGet(`/api/shift-report?${report(q)}`, shiftReportSchema, token),
  storedReports: (token: string, q: HistoryQuery) => historyGet(`/api/shift-reports?${history(q)}`, storedReportsSchema, token),
  /** The PDF, made on the service in `lang`. */
  shiftReportPdf: async (token: string, q: ReportQuery, lang: string): Promise<Blob> => (await send(`/api/shift-report.pdf?${report(q, { lang })}`, bearer(token), 30_000)).blob(),
  /**
   * Open andon calls (no window), or those raised in [from, to), of the lines the caller sees;
   * `overlapping`: those open at some time in [from, to) (raised in it, or before it and resolved after its start or not yet).
   */
  andonCalls: (token: string, q?: HistoryQuery & { overlapping?: boolean }) =>
    historyGet(`/api/andon/calls${q ? `?${history(q)}${q.overlapping ? '&overlapping=1' : ''}` : ''}`, andonCallsSchema, token),
  /** Acknowledges a call (from a dashboard: the board); the service decides who may. */
  ackCall: (token: string, callId: string) => post(`/api/andon/calls/${encodeURIComponent(callId)}/ack`, token, { from: 'board' }),
  /** Resolves a call by hand with a note. */
  resolveCall: (token: string, callId: string, note: string) => post(`/api/andon/calls/${encodeURIComponent(callId)}/resolve`, token, { note }),
  /** Admins: every call's deliveries, newest first, or only the dead-lettered ones. */
  andonDeliveries: (token: string, onlyDead: boolean) => historyGet(`/api/andon/deliveries${onlyDead ? '?state=dead' : ''}`, andonDeliveriesSchema, token),
  /** Admins: what ingest refused and why, newest first, a page at a time (`cursor`: the last page's `nextCursor`). */
  deadLetters: (token: string, q: { limit: number; cursor?: string | null }) =>
    historyGet(`/api/dead-letters?${new URLSearchParams({ limit: String(q.limit), ...(q.cursor ? { cursor: q.cursor } : {}) }).toString()}`, deadLettersPageSchema, token),
  /** Admins: the machine connectors' health as their gateways last reported it. */
  connectors: (token: string) => historyGet('/api/connectors', connectorsSchema, token),
  /** Admins: every tablet and gateway with its claim, last report and revocation. */
  devices: (token: string) => call('/api/devices', devicesSchema, bearer(token)),
  /** Admins: revokes a device; its session ends now and it must be enrolled again. */
  revokeDevice: (token: string, deviceId: string, reason = '') =>
    call(`/api/devices/${encodeURIComponent(deviceId)}/revoke`, revocationSchema, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason }) }, 15_000),
  /** The report CSV (same engine as every screen), fetched with the token for a download. */
  reportCsv: async (token: string, q: HistoryQuery): Promise<string> => (await send(`/api/report.csv?${history(q)}`, bearer(token), HISTORY_TIMEOUT_MS)).text(),
};
