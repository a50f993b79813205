import { overlayNoData, type TimelineSegment } from '../../core/charts/timeline.ts';
import { lineNoData, noDataWithin, type TimeSpan } from '../../core/oee/no-data.ts';
import { Hono } from 'hono';
import { z } from 'zod';
import type { OeeQuery } from '../../core/index.ts';
import { auditKinds, auditTrail } from '../../core/oee-stops/audit-trail.ts';
import { stopContexts, type StopContext } from '../../core/oee-stops/stop-context.ts';
import { stopsByLine, type StopDetail } from '../../core/oee-stops/stop-detail.ts';
import { reasonLosses } from '../../core/oee/query.schema.ts';
import { isAwaitingReason, isSmallStop } from '../../core/station-state/awaiting.ts';
import type { FloorEvent } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { ApiEnv } from './app-context.ts';
import { loadEvents, type HistoryDeps } from './history-scope.ts';
import { parseInput } from './http-errors.ts';
import type { AuditWire, StopsWire, TimelineWire } from '../../core/contracts/history.ts';
import { sends } from './contract.ts';

/** True for a plant user who is a person (a gateway's entries name no operator). */
function personCheck(deps: HistoryDeps): (id: string) => boolean {
  const roles = new Map(deps.users().map((u) => [u.id, u.role]));
  return (id) => { const r = roles.get(id); return r !== undefined && r !== 'gateway'; };
}

const stopsQuerySchema = z.object({
  needsReason: z.enum(['0', '1'], { message: 'must be 0 or 1' }).optional(),
});


function linesOf(query: OeeQuery, events: FloorEvent[], index: PlantIndex) {
  const lines = (query.lineIds ?? []).map((id) => index.lines.get(id)!.line);
  return stopsByLine(lines, events, query.now, reasonLosses(index.plant), index.plant.calendar);
}

/**
 * A stop cut to the window, on the wire, with who worked the station and what it made. `durationMs`
 * is its counted time: the part inside the line's no-data spans is `noDataMs`, counted by no stop
 * (ADR 0009), as in OEE.
 */
function view(s: StopDetail, from: number, end: number, noData: readonly TimeSpan[], context: StopContext | undefined, name: (id: string) => string) {
  const start = Math.max(s.start, from);
  const stop = Math.min(s.end, end);
  const noDataMs = noDataWithin(start, stop, noData);
  return {
    id: s.id,
    operatorId: context?.operatorId ?? null,
    operatorName: context?.operatorId ? name(context.operatorId) : null,
    productId: context?.productId ?? null,
    start,
    // A stop that began before the window: when it began, so no screen reads it as starting at the window's edge.
    ...(s.start < start ? { startedAt: s.start } : {}),
    end: stop,
    durationMs: stop - start - noDataMs,
    noDataMs,
    /** Wholly in a break or off shift: no loss, no reason needed. */
    isOffShift: s.isOffShift,
    reasonId: s.reasonId,
    loss: s.loss,
    /** Under the small-stop threshold: listed (also with needsReason=1) and flagged, never hidden. */
    isSmallStop: isSmallStop(s),
    isOpen: s.isOpen,
    stationId: s.stationId,
    source: s.source,
    originEventId: s.originEventId,
    reasonEvent: s.reasonEvent && { id: s.reasonEvent.id, type: s.reasonEvent.type, author: s.reasonEvent.author, ts: s.reasonEvent.ts, payload: s.reasonEvent.payload },
  };
}

/**
 * GET /api/stops (with `needsReason=1`: only stops awaiting a reason by the one rule, `isAwaitingReason`:
 * small stops included and flagged), /api/timeline and
 * /api/audit. Mounted behind the history router's auth and scope checks.
 */
export function stopRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  app.get('/stops', async (c) => {
    const { needsReason } = parseInput(stopsQuerySchema, c.req.query(), 'query');
    const { query, events, index } = await loadEvents(deps, c);
    const monitoring = await deps.monitoring?.(query.lineIds ?? []);
    const end = Math.min(query.to, query.now);
    const isPerson = personCheck(deps);
    const names = new Map(deps.users().map((u) => [u.id, u.name]));
    const name = (id: string) => names.get(id) ?? id;
    const lines = linesOf(query, events, index).map(({ lineId, stops }) => {
      const line = index.lines.get(lineId)!.line;
      const noData = lineNoData(line, events, end, monitoring);
      // A machine setup that is part of an operator's changeover is listed as that changeover.
      const shown = stops.filter((s) => s.partOf === null && s.end > query.from && s.start < end && (needsReason !== '1' || isAwaitingReason(s)));
      const contexts = stopContexts(line, events, shown, isPerson);
      return { lineId, stops: shown.map((s) => view(s, query.from, end, noData, contexts.get(s.id), name)) };
    });
    const body = { from: query.from, to: query.to, lines };
    return c.json(sends<StopsWire>(body));
  });

  app.get('/timeline', async (c) => {
    const { query, events, index } = await loadEvents(deps, c);
    const monitoring = await deps.monitoring?.(query.lineIds ?? []);
    const end = Math.min(query.to, query.now);
    const lines = linesOf(query, events, index).map(({ lineId, stops, segments }) => {
      // Disjoint stop segments; the gaps between them are run time.
      const out: TimelineSegment[] = [];
      let cursor = query.from;
      for (const seg of segments) {
        const start = Math.max(seg.start, query.from);
        const stop = Math.min(seg.end, end);
        if (stop <= start) continue;
        if (start > cursor) out.push({ start: cursor, end: start, state: 'running', stopId: null, reasonId: null, loss: null });
        const s = stops[seg.stop]!;
        out.push({ start, end: stop, state: 'stopped', stopId: s.partOf ?? s.id, reasonId: s.reasonId, loss: s.loss });
        cursor = stop;
      }
      if (end > cursor) out.push({ start: cursor, end, state: 'running', stopId: null, reasonId: null, loss: null });
      // Events are read up to `to`: at `end` a silence still going on is as long as it is known to be.
      const line = index.lines.get(lineId)?.line;
      return { lineId, segments: line ? overlayNoData(out, lineNoData(line, events, end, monitoring)) : out };
    });
    const body = { from: query.from, to: query.to, lines };
    return c.json(sends<TimelineWire>(body));
  });

  /** Corrections and voids made in the window, with who, when, before/after and why; raw entries stay stored. */
  app.get('/audit', async (c) => {
    const { query, events, index } = await loadEvents(deps, c);
    const names = new Map(deps.users().map((u) => [u.id, u.name]));
    // Each entry names its stop (when, where, how long), as booked now.
    const stops = new Map(linesOf(query, events, index).flatMap((l) => l.stops.map((s) => [s.id, s] as const)));
    // A machine setup that is part of a changeover is listed as that changeover: its own first
    // reason (the gateway's) would list the changeover twice.
    const isPart = (e: { kind: string; stopId: string | null }) => e.kind === 'classify' && e.stopId !== null && (stops.get(e.stopId)?.partOf ?? null) !== null;
    const trail = auditTrail(events, query.from, query.to, auditKinds).filter((e) => !isPart(e));
    // A voided stop is booked no more: its entries name it as it was before the void.
    const gone = new Set(trail.filter((e) => e.stopId !== null && !stops.has(e.stopId)).map((e) => e.stopId!));
    const voids = new Set(trail.filter((e) => e.kind === 'void' && e.stopId !== null && gone.has(e.stopId)).map((e) => e.id));
    const unvoided = voids.size ? new Map(linesOf(query, events.filter((e) => !voids.has(e.id)), index).flatMap((l) => l.stops.filter((s) => gone.has(s.id)).map((s) => [s.id, s] as const))) : new Map<string, StopDetail>();
    const entries = trail.map((e) => {
      const s = e.stopId === null ? undefined : (stops.get(e.stopId) ?? unvoided.get(e.stopId));
      return { ...e, authorName: names.get(e.author) ?? e.author, stop: s ? { start: s.start, durationMs: s.end - s.start, stationId: s.stationId, isOpen: s.isOpen } : null };
    });
    const body = { from: query.from, to: query.to, lineIds: query.lineIds, entries };
    return c.json(sends<AuditWire>(body));
  });
  return app;
}
