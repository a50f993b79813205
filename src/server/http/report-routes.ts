import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { FloorboardError } from '../../core/errors.ts';
import { layoutShiftReport, translator } from '../../core/report/report-layout.ts';
import { shiftReportSchema, type ShiftReportView } from '../../core/report/shift-report.schema.ts';
import { makeShiftReport, shiftOf } from '../report/make-report.ts';
import { catalogOf, reportLanguages } from '../report/report-catalogs.ts';
import { renderReportPdf } from '../report/report-pdf.ts';
import { pdfFilename } from '../report/report-scheduler.ts';
import type { ApiEnv } from './app-context.ts';
import { scopeOf, type HistoryDeps } from './history-scope.ts';
import { parseInput } from './http-errors.ts';
import { sends } from './contract.ts';
import type { StoredReportsWire } from '../../core/contracts/reports.ts';

const reportQuerySchema = z.object({
  lang: z.enum(reportLanguages, { message: 'must be en or de' }).default('en'),
  /** 1: the copy stored when the shift ended (as made then), else computed now. */
  stored: z.enum(['0', '1'], { message: 'must be 0 or 1' }).default('0'),
});

/**
 * GET /api/shift-report (JSON model), /api/shift-report.pdf and /api/shift-reports (the stored
 * ones). Mounted behind the history router's guard: token, no gateways, and the history scope
 * (one line, which the caller may read).
 */
export function reportRoutes(deps: HistoryDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();

  const reportOf = async (c: Context<ApiEnv>): Promise<ShiftReportView> => {
    const { query, lineIds, index } = scopeOf(deps, c);
    const { stored } = parseInput(reportQuerySchema, c.req.query(), 'query');
    if (lineIds.length !== 1 || !c.req.query('line')) throw new FloorboardError('invalid-arguments', 'invalid query', { details: ['line: name exactly one line'] });
    const lineId = lineIds[0]!;
    if (stored === '1') {
      const row = await deps.storage.getShiftReport(lineId, query.from);
      if (!row) throw new FloorboardError('not-found', `no stored report of line ${lineId} for the shift starting ${new Date(query.from).toISOString()}`);
      // Checked against the schema (a stored copy that no longer parses is an error, not a blank
      // page) but answered whole, as made: the same fields as a report computed now.
      const raw = JSON.parse(row.model) as ShiftReportView;
      shiftReportSchema.parse(raw);
      return raw;
    }
    const monitoring = await deps.monitoring?.([lineId]);
    return makeShiftReport({ storage: deps.storage, plant: index.plant, now: query.now, ...(monitoring ? { monitoring } : {}) }, lineId, shiftOf(index.plant, query.from, query.to));
  };

  app.get('/shift-report', async (c) => c.json(await reportOf(c)));

  app.get('/shift-report.pdf', async (c) => {
    const { lang } = parseInput(reportQuerySchema, c.req.query(), 'query');
    const report = await reportOf(c);
    const pdf = await renderReportPdf(layoutShiftReport(report, translator(catalogOf(lang)), lang));
    c.header('Content-Type', 'application/pdf');
    c.header('Content-Disposition', `attachment; filename="${pdfFilename(report)}"`);
    return c.body(new Uint8Array(pdf));
  });

  app.get('/shift-reports', async (c) => {
    const { query, lineIds } = scopeOf(deps, c);
    const reports = await deps.storage.listShiftReports({ lineIds: [...lineIds], from: query.from, to: query.to });
    return c.json(sends<StoredReportsWire>({ from: query.from, to: query.to, reports }));
  });
  return app;
}
