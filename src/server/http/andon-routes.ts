import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { visibleLines } from '../../core/access.ts';
import { ANDON_READ_TYPES, andonCallLog, callsOverlapping, type AndonCall } from '../../core/andon/calls.ts';
import { byAge } from '../../core/andon/call-order.ts';
import { ruleOfCall, type AndonRules } from '../../core/andon/engine.ts';
import { andonAckSources } from '../../core/andon/kinds.ts';
import { responseSummary } from '../../core/andon/response.ts';
import { FloorboardError } from '../../core/index.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { refuseWriters, instantIn } from './history-scope.ts';
import { parseInput } from './http-errors.ts';
import { sends } from './contract.ts';
import type { AndonCallsWire, AndonDeliveriesWire } from '../../core/contracts/andon.ts';
import type { Storage } from '../storage/storage.ts';
import { mayAnswer, type CallView } from '../andon/call-view.ts';
import type { AnswerResult } from '../andon/andon-service.ts';
import type { DeliveryLogReader } from '../andon/delivery-log.ts';

export interface AndonRouteDeps extends ApiDeps {
  storage: Storage;
  rules: AndonRules;
  /** Calls in memory (open ones, and those resolved within the last day). */
  current: () => AndonCall[];
  view: (c: AndonCall) => CallView;
  answer: (kind: 'ack' | 'resolve', callId: string, author: string, detail: { from?: 'tablet' | 'board' | 'api'; note?: string }) => Promise<AnswerResult>;
  /** The stored delivery log of every channel (webhook, email, MQTT). */
  deliveries: DeliveryLogReader;
}

const ackBody = z.object({ from: z.enum(andonAckSources).default('api') }).strict();
const resolveBody = z.object({ note: z.string().trim().min(1, 'a call resolved by hand needs a note').max(500) }).strict();
/** Only `overlapping` is read here; from/to go through the history scope, which parses them itself. */
const callsQuery = z.object({ overlapping: z.enum(['0', '1'], { message: 'must be 0 or 1' }).optional() });
/** The andon events and the voids (a caller's take-back is the void of the raise). */
const ANDON_TYPES = [...ANDON_READ_TYPES];

/**
 * Andon API (docs/api.md): GET /api/andon/calls (calls in the caller's scope, oldest first: the
 * open ones, those raised in a window, or with `overlapping=1` those open at some time in it), POST /api/andon/calls/:id/ack and /resolve (roles per
 * rule), GET /api/andon/response-times (per line, reason and level), GET /api/andon/deliveries
 * (delivery log and dead letters, admin; one call's log for whoever sees the call).
 */
export function andonRoutes(deps: AndonRouteDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.use('/andon/*', requireAuth(deps.tokens), async (c, next) => {
    refuseWriters(c.get('principal'), 'andon');
    await next();
  });
  const visible = (c: Context<ApiEnv>) => visibleLines(c.get('principal'), deps.index());
  const windowQuery = (c: Context<ApiEnv>) =>
    parseInput(z.object({ from: instantIn(deps.index().plant.calendar.timezone), to: instantIn(deps.index().plant.calendar.timezone) }).refine((q) => q.to > q.from, { message: 'must be after "from"', path: ['to'] }), c.req.query(), 'query');

  /** Calls raised in [from, to) of the lines the caller sees, read from storage (acks and resolves after `to` included). */
  async function callsBetween(c: Context<ApiEnv>): Promise<AndonCall[]> {
    const { from, to } = windowQuery(c);
    const lines = visible(c);
    const page = await deps.storage.listEvents({ lineIds: [...lines], types: ANDON_TYPES, from, orderBy: 'time' });
    return andonCallLog(page.events.map((r) => ({ ...r.event, ts: r.correctedTs }))).filter((call) => call.raisedAt < to);
  }

  /**
   * Calls open at some time in [from, to) of the lines the caller sees (core callsOverlapping): raised
   * in it, or raised before it and resolved after its start or not yet. Those raised before are the
   * open ones in memory and those with an answer or resolve from `from` on; their lives are read from
   * the earliest of their raises.
   */
  async function callsAcross(c: Context<ApiEnv>): Promise<AndonCall[]> {
    const { from, to } = windowQuery(c);
    const lineIds = [...visible(c)];
    const read = async (since: number) => (await deps.storage.listEvents({ lineIds, types: ANDON_TYPES, from: since, orderBy: 'time' })).events;
    let records = await read(from);
    const raised = new Set(records.filter((r) => r.event.type === 'andon.raise').map((r) => r.event.id));
    const before = new Set<string>();
    for (const r of records) {
      if ('callId' in r.event && !raised.has(r.event.callId)) before.add(r.event.callId);
      // A take-back (the void of a raise) of a call raised before the window: read its raise too.
      else if (r.event.type === 'void' && !raised.has(r.event.voids)) before.add(r.event.voids);
    }
    for (const call of deps.current()) if (call.resolved === null && call.raisedAt < from) before.add(call.id);
    if (before.size) {
      const raises = await deps.storage.listEvents({ ids: [...before].slice(0, 10_000), types: ['andon.raise'] });
      const since = raises.events.reduce((m, r) => Math.min(m, r.correctedTs), from);
      if (since < from) records = await read(since);
    }
    return callsOverlapping(andonCallLog(records.map((r) => ({ ...r.event, ts: r.correctedTs }))), from, to);
  }

  app.get('/andon/calls', async (c) => {
    const p = c.get('principal');
    const lines = visible(c);
    const isWindow = c.req.query('from') !== undefined || c.req.query('to') !== undefined;
    const { overlapping } = parseInput(callsQuery, c.req.query(), 'query');
    const isOverlapping = isWindow && overlapping === '1';
    const calls = isOverlapping ? await callsAcross(c) : isWindow ? await callsBetween(c) : deps.current().filter((call) => call.resolved === null);
    const index = deps.index();
    const rows = byAge(calls.filter((call) => lines.has(call.lineId))).map((call) => ({ ...deps.view(call), mayAnswer: mayAnswer(p, call, ruleOfCall(call, deps.rules), index) }));
    const body = { at: deps.now(), calls: rows };
    return c.json(sends<AndonCallsWire>(body));
  });

  const answerRoute = (kind: 'ack' | 'resolve') => async (c: Context<ApiEnv>) => {
    const p = c.get('principal');
    const callId = c.req.param('id') ?? '';
    const call = deps.current().find((x) => x.id === callId);
    if (!call || !visible(c).has(call.lineId)) throw new FloorboardError('not-found', `no open or recent call "${callId}"`);
    if (!mayAnswer(p, call, ruleOfCall(call, deps.rules), deps.index()))
      throw new FloorboardError('forbidden', `a ${p.role} may not ${kind === 'ack' ? 'acknowledge' : 'resolve'} this call (its rule names ${(ruleOfCall(call, deps.rules)?.acknowledgedBy ?? ['lead', 'manager', 'admin']).join(', ')})`);
    const raw: unknown = await c.req.json().catch(() => ({}));
    const detail = kind === 'ack' ? parseInput(ackBody, raw, 'body') : parseInput(resolveBody, raw, 'body');
    const result = await deps.answer(kind, callId, p.id, detail);
    // Already answered: 409, saying by whom (the error codes have no conflict of their own).
    if (!result.ok) {
      if (result.code === 'conflict') return c.json({ error: { code: 'conflict', message: result.message } }, 409);
      throw new FloorboardError(result.code, result.message);
    }
    return c.json(result.call);
  };
  app.post('/andon/calls/:id/ack', answerRoute('ack'));
  app.post('/andon/calls/:id/resolve', answerRoute('resolve'));

  app.get('/andon/response-times', async (c) => {
    const calls = await callsBetween(c);
    return c.json({ ...windowQuery(c), ...responseSummary(calls) });
  });

  app.get('/andon/deliveries', async (c) => {
    const p = c.get('principal');
    const callId = c.req.query('call');
    if (callId !== undefined) {
      const deliveries = await deps.deliveries.logOf(callId);
      // The call's line: from memory, else from its stored log (an older call, or one before a restart).
      const lineId = deps.current().find((x) => x.id === callId)?.lineId ?? deliveries[0]?.lineId;
      if (lineId === undefined || !visible(c).has(lineId)) throw new FloorboardError('not-found', `no call "${callId}" with a delivery log in your scope`);
      return c.json({ callId, deliveries });
    }
    if (p.role !== 'admin') throw new FloorboardError('forbidden', 'the delivery log of every call is for admins');
    const body = { deliveries: await deps.deliveries.list(c.req.query('state') === 'dead') };
    return c.json(sends<AndonDeliveriesWire>(body));
  });
  return app;
}
