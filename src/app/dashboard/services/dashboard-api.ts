import * as z from 'zod/mini';
import { FloorboardError } from '../../../core/errors.ts';
import { plantSchema, type Plant } from '../../../core/plant.schema.ts';
import { shiftReportSchema } from '../../../core/report/shift-report.schema.ts';
import { auditSchema, oeeReportSchema, paretoSchema, stopsSchema, timelineSchema } from './history.schema.ts';
import { shiftLogSchema } from '../../services/handover.schema.ts';

/** GET /api/shift-reports: the stored reports of the window. */
const storedReportsSchema = z.object({
  reports: z.array(z.object({ lineId: z.string(), shiftStart: z.number(), shiftEnd: z.number(), shiftId: z.string(), madeAt: z.number() })),
});

/** One line's report of [from, to): computed now, or the copy stored at the shift's end (`stored`). */
export interface ReportQuery {
  lineId: string;
  from: number;
  to: number;
  stored: boolean;
}
const reportQuery = (q: ReportQuery, extra: Record<string, string> = {}) =>
  new URLSearchParams({ line: q.lineId, from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)), stored: q.stored ? '1' : '0', ...extra }).toString();

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** A window of history: [from, to) in ms, optionally bucketed. */
export interface HistoryQuery {
  from: number;
  to: number;
  by?: 'hour' | 'shift' | 'day' | 'window';
  lines?: readonly string[];
}

const query = (q: HistoryQuery) => {
  const p = new URLSearchParams({ from: String(Math.floor(q.from)), to: String(Math.ceil(q.to)) });
  if (q.by) p.set('by', q.by);
  if (q.lines?.length) p.set('line', q.lines.join(','));
  return p.toString();
};

async function fetchChecked(path: string, token: string, timeoutMs: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) });
  } catch (cause) {
    throw new FloorboardError('internal', `network: ${path} unreachable`, { cause });
  }
  if (response.ok) return response;
  const body = errorBodySchema.safeParse(await response.json().catch(() => null));
  const code = response.status === 401 ? 'unauthorized' : response.status === 403 ? 'forbidden' : response.status === 404 ? 'not-found' : response.status === 400 ? 'invalid-arguments' : 'internal';
  throw new FloorboardError(code, body.success ? body.data.error.message : `${path} answered ${response.status}`);
}

async function get<T>(path: string, schema: z.ZodMiniType<T>, token: string, timeoutMs = 15_000): Promise<T> {
  const response = await fetchChecked(path, token, timeoutMs);
  const parsed = schema.safeParse(await response.json());
  if (!parsed.success) throw new FloorboardError('internal', `${path} answered an unexpected shape`, { cause: parsed.error });
  return parsed.data;
}

/** The history API as the dashboards use it; every answer is parsed at this boundary. */
export const dashboardApi = {
  /** The plant scoped to the caller (no users, no secrets). */
  plant: (token: string): Promise<Plant> => get('/api/plant', z.unknown(), token).then((raw) => plantSchema.parse({ ...(raw as object), users: [] })),
  oee: (token: string, q: HistoryQuery) => get(`/api/oee?${query(q)}`, oeeReportSchema, token),
  stops: (token: string, q: HistoryQuery) => get(`/api/stops?${query(q)}`, stopsSchema, token),
  timeline: (token: string, q: HistoryQuery) => get(`/api/timeline?${query(q)}`, timelineSchema, token),
  pareto: (token: string, q: HistoryQuery) => get(`/api/pareto?${query(q)}`, paretoSchema, token),
  /** Corrections and voids made in the window (the raw entries they change stay stored). */
  audit: (token: string, q: HistoryQuery) => get(`/api/audit?${query(q)}`, auditSchema, token),
  /** Notes and handovers of the window, with who acknowledged each handover (core/handovers.ts). */
  shiftLog: (token: string, q: HistoryQuery) => get(`/api/shift-log?${query(q)}`, shiftLogSchema, token),
  /** The shift report CSV (same engine as every screen), fetched with the token for a download. */
  /** The shift report model (the same core function as the stored copy, the PDF and the email). */
  shiftReport: (token: string, q: ReportQuery) => get(`/api/shift-report?${reportQuery(q)}`, shiftReportSchema, token),
  /** The PDF, made on the service in `lang`. */
  shiftReportPdf: async (token: string, q: ReportQuery, lang: string): Promise<Blob> => (await fetchChecked(`/api/shift-report.pdf?${reportQuery(q, { lang })}`, token, 30_000)).blob(),
  storedReports: (token: string, q: HistoryQuery) => get(`/api/shift-reports?${query(q)}`, storedReportsSchema, token),
  reportCsv: async (token: string, q: HistoryQuery): Promise<string> => (await fetchChecked(`/api/report.csv?${query(q)}`, token, 15_000)).text(),
};
