import { Hono, type Context } from 'hono';
import { computeOee } from '../../core/oee/index.ts';
import type { OeeQuery, OeeReport } from '../../core/oee/report.ts';
import { oeeFromBuckets } from '../history/bucket-history.ts';
import { renderCsv } from '../../core/oee/report-csv.ts';
import type { HourlyBucket } from '../storage/storage.ts';
import { rollupBuckets } from '../history/bucket-rollup.ts';
import { requireAuth, type ApiEnv } from './app-context.ts';
import { loadEvents, refuseGateways, scopeOf, type HistoryDeps } from './history-scope.ts';
import { reportRoutes } from './report-routes.ts';
import { stopRoutes } from './stop-routes.ts';
import { handoverRoutes } from './handover-routes.ts';
import { exportRoutes } from './export-routes.ts';
import { stationLogRoutes } from './station-log-routes.ts';
import type { OeeReportWire, ParetoWire } from '../../core/contracts/history.ts';
import { sends } from './contract.ts';

export { historyQuerySchema } from './history-scope.ts';

/**
 * History API, all computed by the core engine from stored events on the service clock:
 * GET /api/oee, /oee/hourly, /pareto, /report.csv (long windows from the hourly buckets, see
 * bucket-history.ts), (stop-routes.ts) /stops, /timeline, /audit, and (export-routes.ts) /events.
 * Every route needs a token and refuses gateways; every query is validated and scoped: lines the
 * caller may not see are refused (403), and no `line` means every line it sees.
 */
export function historyRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  // One guard for everything this router serves (mounted at /api): a route added later cannot be
  // public, or open to gateways, by omission. Routes mounted before it (login, time) are unaffected.
  app.use('*', requireAuth(deps.tokens), refuseGateways);
  const scope = (c: Context<ApiEnv>) => scopeOf(deps, c);

  /** From the pre-aggregated hourly buckets: a year costs 8,760 rows per line, not a rescan of raw events. */
  app.get('/oee/hourly', async (c) => {
    const { query, lineIds } = scope(c);
    const rows = await deps.storage.listHourlyBuckets({ lineIds, from: query.from, to: query.to });
    const byLine = new Map<string, HourlyBucket[]>();
    for (const r of rows) byLine.set(r.lineId, [...(byLine.get(r.lineId) ?? []), r]);
    return c.json({
      from: query.from,
      to: query.to,
      lines: lineIds.map((id) => ({ id, buckets: byLine.get(id) ?? [], total: rollupBuckets(byLine.get(id) ?? []) })),
      total: rollupBuckets(rows),
    });
  });

  /**
   * The report of the scoped query from the hourly buckets when they compose it exactly (long
   * windows, bucket-history.ts), else from raw events; `X-Oee-Source` says which.
   */
  const report = async (c: Context<ApiEnv>, by?: OeeQuery['by']): Promise<OeeReport> => {
    const { query, index, isAsOfPresent } = scope(c);
    const q = { ...query, by: by ?? query.by, lineIds: query.lineIds ?? [] };
    const monitoring = await deps.monitoring?.(q.lineIds);
    // The buckets hold each hour as it was known when last written: only a report as of now may use them.
    const fromBuckets = isAsOfPresent ? await oeeFromBuckets({ ...deps, ...(monitoring ? { monitoringNow: monitoring } : {}) }, index.plant, q) : null;
    c.header('X-Oee-Source', fromBuckets ? 'buckets' : 'events');
    if (fromBuckets) return fromBuckets;
    const { events } = await loadEvents(deps, c, true);
    return computeOee(index.plant, events, q, monitoring);
  };

  app.get('/oee', async (c) => c.json(sends<OeeReportWire>(await report(c))));

  app.get('/pareto', async (c) => {
    const { query } = scope(c);
    const total = (await report(c, 'window')).site.total;
    const reasons = [...total.topReasons].sort((a, b) => b.durationMs - a.durationMs);
    const body = { from: query.from, to: query.to, lineIds: query.lineIds, lossMs: total.lossMs, reasons, other: total.otherReasons };
    return c.json(sends<ParetoWire>(body));
  });

  app.get('/report.csv', async (c) => {
    const { query, index } = scope(c);
    const csv = renderCsv(await report(c, c.req.query('by') ? query.by : 'shift'), { timezone: index.plant.calendar.timezone });
    c.header('Content-Type', 'text/csv; charset=utf-8');
    c.header('Content-Disposition', `attachment; filename="oee-${new Date(query.from).toISOString().slice(0, 10)}.csv"`);
    return c.body(csv);
  });

  app.route('/', stopRoutes(deps));
  app.route('/', handoverRoutes(deps));
  app.route('/', exportRoutes(deps));
  app.route('/', reportRoutes(deps));
  app.route('/', stationLogRoutes(deps));
  return app;
}
