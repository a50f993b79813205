import type { Monitoring } from '../../core/oee/no-data.ts';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { visibleLines, type Principal } from '../../core/access.ts';
import { FloorboardError, topicIdSchema, type OeeQuery } from '../../core/index.ts';
import { localTimeProblem, localTimeToMs } from '../../core/local-time.ts';
import { LOOKBACK_MS } from '../history/hourly-buckets.ts';
import type { Storage } from '../storage/storage.ts';
import { eventsWithState } from '../history/bucket-history.ts';
import type { ApiDeps, ApiEnv } from './app-context.ts';
import { parseInput } from './http-errors.ts';

const MAX_WINDOW_MS = 400 * 86_400_000;

/**
 * An instant as ms since epoch, or a time as people type it (`src/core/local-time.ts`): a date or a
 * local time in `timezone`, or a time with offset. An impossible date ("2026-02-30") is refused.
 */
export const instantIn = (timezone: string) =>
  z.string({ message: 'is required: ms since epoch or an ISO 8601 date-time' }).transform((s, ctx) => {
    if (/^\d+$/.test(s) && Number(s) <= 8.64e15) return Number(s);
    const problem = localTimeProblem(s);
    if (problem !== null) {
      // A form it is not, or a date that does not exist ("2026-02-30": never rolled over into March).
      const isForm = !problem.startsWith('must be');
      ctx.addIssue({ code: 'custom', message: isForm ? `"${s}": ${problem}` : `"${s}" is not ms since epoch or an ISO 8601 date-time` });
      return z.NEVER;
    }
    return localTimeToMs(s, timezone);
  });
/** `instantIn` UTC: for times that are not plant times (dead letters). */
export const instant = instantIn('UTC');

/** The history query; dates and local times are in the plant's `timezone`. */
export const historyQuerySchemaIn = (timezone: string) =>
  z
    .object({
      from: instantIn(timezone),
      to: instantIn(timezone),
      /** Report as known then: nothing recorded later counts (ADR 0002). Default: min(to, now). */
      asOf: instantIn(timezone).optional(),
      by: z.enum(['hour', 'shift', 'day', 'window']).default('window'),
      line: z
        .string()
        .transform((s) => s.split(',').filter(Boolean))
        .pipe(z.array(topicIdSchema).min(1, 'must name at least one line'))
        .optional(),
    })
    .refine((q) => q.to > q.from, { message: 'must be after "from"', path: ['to'] })
    .refine((q) => q.to - q.from <= MAX_WINDOW_MS, { message: 'window is longer than 400 days', path: ['to'] });
export const historyQuerySchema = historyQuerySchemaIn('UTC');

/**
 * History is for people: a gateway only publishes its machines' signals and an importer only its
 * logs (least privilege, as on the broker), so both are refused here even for their own lines.
 */
export const refuseGateways: MiddlewareHandler<ApiEnv> = async (c, next) => {
  refuseWriters(c.get('principal'), 'history');
  await next();
};

/** Gateways and importers write and read nothing back: refuses them `what`, saying why. */
export function refuseWriters(p: Principal, what: string): void {
  if (p.role === 'gateway') throw new FloorboardError('forbidden', `a gateway may only publish signals; ${what} is not for gateways`);
  if (p.role === 'importer') throw new FloorboardError('forbidden', `an importer may only publish imported logs; ${what} is not for importers`);
}

export type HistoryDeps = ApiDeps & {
  storage: Storage;
  /** Where the buckets may be stale: the writer's own word on the leader, storage's on a follower. */
  bucketsStaleFrom?: () => number | Promise<number>;
  /** What the engine cannot see in the events: service downtime, first stored events (run-log.ts, ADR 0009). */
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
};

/** Validates the query and the caller's scope; no storage read. */
export function scopeOf(deps: HistoryDeps, c: Context<ApiEnv>) {
  const index = deps.index();
  const q = parseInput(historyQuerySchemaIn(index.plant.calendar.timezone), c.req.query(), 'query');
  const visible = visibleLines(c.get('principal'), index);
  const unknown = (q.line ?? []).filter((l) => !index.lines.has(l));
  if (unknown.length) throw new FloorboardError('invalid-arguments', 'invalid query', { details: unknown.map((l) => `line: unknown line "${l}"`) });
  const hidden = (q.line ?? []).filter((l) => !visible.has(l));
  if (hidden.length) throw new FloorboardError('forbidden', `not allowed to read line ${hidden.join(', ')}`);
  const lineIds = q.line ?? [...index.lines.keys()].filter((l) => visible.has(l));
  const clockNow = deps.now();
  const query: OeeQuery = { from: q.from, to: q.to, now: q.asOf ?? Math.min(q.to, clockNow), by: q.by, lineIds };
  // As of the present (or later): what the hourly buckets hold, which were written with what was known then.
  return { query, lineIds, index, isAsOfPresent: query.now >= clockNow };
}

/**
 * The scoped query and its lines' events from a day before `from`, on the service clock (corrected
 * time). `isAfterKnown` (OEE): also the day after `to`, so a stop that ends or is classified after
 * the window is booked as it is known now, as the hourly buckets book it.
 */
export async function loadEvents(deps: HistoryDeps, c: Context<ApiEnv>, isAfterKnown = false) {
  const scoped = scopeOf(deps, c);
  const { query, lineIds } = scoped;
  const to = isAfterKnown ? query.to + LOOKBACK_MS : query.to;
  // Events a day before `from` still shape the window (a stop open at its start, a corrected event).
  // Led by each line's latest state before that, however old: a stop open since the weekend is in the window.
  const events = await eventsWithState(deps.storage, lineIds, query.from - LOOKBACK_MS, to);
  return { ...scoped, events };
}
