/**
 * Shift report generation: budget under 1 s per report (issue 12). A generated line (3 shifts,
 * ~60 stops a day, a count a minute) is stored in a real SQLite file; then each shift of the last
 * days is reported as the scheduler does it: read its events from storage, build the model with the
 * OEE engine, lay it out and render the PDF.
 *   npm run bench:report                 # 3 days stored, the shifts of the last 2 days reported
 *   node --import tsx bench/report.bench.ts --days 7
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { shiftInstances } from '../src/core/oee/calendar.ts';
import { layoutShiftReport, translator } from '../src/core/report/report-layout.ts';
import { makeShiftReport } from '../src/server/report/make-report.ts';
import { catalogOf } from '../src/server/report/report-catalogs.ts';
import { renderReportPdf } from '../src/server/report/report-pdf.ts';
import { openSqliteStorage } from '../src/server/storage/sqlite-storage.ts';
import { DAY_MS, YEAR_START, benchPlant, lineYear } from './generate-year.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const DAYS = arg('days', 3);
const plant = benchPlant(1);
const line = plant.areas[0]!.lines[0]!;
const lineId = line.id;
// The generated gateway sends only changes, no heartbeats: without this its quiet hours would be
// "no data" and the report's figures meaningless (the timing hardly changes).
line.heartbeatTimeoutSec = 366 * 86_400;
const events = lineYear(plant, 0, DAYS, 42);
const dir = mkdtempSync(join(os.tmpdir(), 'fb-report-bench-'));
const storage = openSqliteStorage(join(dir, 'bench.db'));
await storage.migrate();
for (let i = 0; i < events.length; i += 5000)
  await storage.insertEvents(events.slice(i, i + 5000).map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));

const end = YEAR_START + DAYS * DAY_MS;
const shifts = shiftInstances(plant.calendar, end - 2 * DAY_MS, end).filter((s) => s.end <= end);
const timings: { model: number; pdf: number; total: number; bytes: number }[] = [];
for (const [k, shift] of shifts.entries()) {
  const t0 = performance.now();
  const report = await makeShiftReport({ storage, plant, now: shift.end + 60_000 }, lineId, shift);
  const t1 = performance.now();
  const pdf = await renderReportPdf(layoutShiftReport(report, translator(catalogOf(k % 2 ? 'de' : 'en')), k % 2 ? 'de' : 'en'));
  const t2 = performance.now();
  timings.push({ model: t1 - t0, pdf: t2 - t1, total: t2 - t0, bytes: pdf.length });
  if (k === 0) console.log(`first report: ${report.stops.length} stops, ${report.figures.good} good, OEE ${(report.figures.oee ?? 0).toFixed(3)}`);
}
await storage.close();
rmSync(dir, { recursive: true, force: true });

const q = (xs: number[], p: number) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(p * xs.length) - 1)]!;
const row = (name: string, xs: number[]) => `${name.padEnd(28)} p50 ${q(xs, 0.5).toFixed(1).padStart(7)} ms   p95 ${q(xs, 0.95).toFixed(1).padStart(7)} ms   max ${Math.max(...xs).toFixed(1).padStart(7)} ms`;
console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}; ${events.length} events stored, ${timings.length} shift reports`);
console.log(row('model (storage + engine)', timings.map((t) => t.model)));
console.log(row('layout + PDF', timings.map((t) => t.pdf)));
console.log(row('total per report', timings.map((t) => t.total)));
console.log(`PDF size p50 ${Math.round(q(timings.map((t) => t.bytes), 0.5) / 1024)} kB; budget 1000 ms per report: ${Math.max(...timings.map((t) => t.total)) < 1000 ? 'met' : 'MISSED'}`);
