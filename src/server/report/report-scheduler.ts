import { reportFileName } from '../../core/report/report-file-name.ts';
import type { Plant } from '../../core/plant.schema.ts';
import { shiftInstances } from '../../core/oee/calendar.ts';
import type { Monitoring } from '../../core/oee/no-data.ts';
import { topics } from '../../core/topics.ts';
import { layoutShiftReport, translator } from '../../core/report/report-layout.ts';
import type { ShiftReport } from '../../core/report/shift-report.ts';
import type { Storage } from '../storage/storage.ts';
import { makeShiftReport } from './make-report.ts';
import { announcementOf, mailReport, postWebhook, type SmtpOptions, type WebhookOptions } from './report-delivery.ts';
import { catalogOf, type ReportLanguage } from './report-catalogs.ts';
import { renderReportPdf } from './report-pdf.ts';

export interface ReportSchedulerOptions {
  storage: Storage;
  plant: Plant;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  monitoring?: (lineIds: readonly string[]) => Promise<Monitoring>;
  /** Publishes on the broker as the service (retained for the line's report topic). */
  publish?: (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>;
  webhook?: WebhookOptions;
  smtp?: SmtpOptions;
  language: ReportLanguage;
  /** How often ended shifts are looked for. */
  intervalMs?: number;
  /** How far back a shift that ended while the service was down is still reported at start. */
  catchUpMs?: number;
  /** Nothing is reported before this settles (the demo's backfill: a report is kept as made, so not half-written history). */
  ready?: Promise<unknown>;
}

export interface ReportScheduler {
  /** Reports every shift ended since the catch-up horizon that has no report yet; resolves with those made now. */
  runOnce(): Promise<ShiftReport[]>;
  /** A new plant version: the shifts that end from now on are reported with it. */
  setPlant(plant: Plant): void;
  stop(): Promise<void>;
}

/**
 * Makes each line's report at the end of every shift of the plant's calendar, stores it, then
 * announces it (MQTT, webhook, email). Stored first and keyed by (line, shift start): a restart,
 * a second tick or a second service finds it stored and sends nothing twice. A shift that ended
 * while the service was down is reported at the next start (within `catchUpMs`).
 */
export function startReportScheduler(options: ReportSchedulerOptions): ReportScheduler {
  const { storage, now, log } = options;
  // A new plant version (setPlant) applies to the shifts that end from then on; stored reports stay as made.
  let plant = options.plant;
  const catchUpMs = options.catchUpMs ?? 86_400_000;
  const areasOf = (p: Plant) => new Map(p.areas.flatMap((a) => a.lines.map((l) => [l.id, a.id] as const)));
  let areaOf = areasOf(plant);
  let lines = [...areaOf.keys()];
  let running: Promise<ShiftReport[]> | null = null;
  let isStopped = false;

  const deliver = async (report: ShiftReport) => {
    const announcement = announcementOf(report);
    const path = { site: plant.site.id, area: areaOf.get(report.lineId) ?? '', line: report.lineId };
    const jobs: Promise<unknown>[] = [];
    if (options.publish) jobs.push(options.publish(topics.lineReport(path), JSON.stringify(announcement), { retain: true }));
    if (options.webhook) jobs.push(postWebhook(options.webhook, announcement));
    if (options.smtp) {
      const smtp = options.smtp;
      const layout = layoutShiftReport(report, translator(catalogOf(options.language)), options.language);
      jobs.push(
        renderReportPdf(layout).then((pdf) =>
          mailReport(smtp, { subject: `${layout.title} · ${layout.subtitle}`, text: `${layout.title}\n${layout.subtitle}\n${layout.madeAt}\n`, filename: pdfFilename(report), pdf }),
        ),
      );
    }
    const results = await Promise.allSettled(jobs);
    for (const r of results) if (r.status === 'rejected') log('shift report delivery failed', { lineId: report.lineId, shiftStart: report.start, error: String(r.reason) });
  };

  const tick = async (): Promise<ShiftReport[]> => {
    await options.ready;
    const at = now();
    const ended = shiftInstances(plant.calendar, at - catchUpMs, at).filter((s) => s.end <= at && s.end > at - catchUpMs);
    if (ended.length === 0) return [];
    const stored = await storage.listShiftReports({ lineIds: lines, from: ended[0]!.start, to: at });
    const have = new Set(stored.map((s) => `${s.lineId}@${s.shiftStart}`));
    const made: ShiftReport[] = [];
    const deliveries: Promise<void>[] = [];
    for (const shift of ended) {
      for (const lineId of lines) {
        if (isStopped || have.has(`${lineId}@${shift.start}`)) continue;
        const monitoring = await options.monitoring?.([lineId]);
        const report = await makeShiftReport({ storage, plant, now: now(), ...(monitoring ? { monitoring } : {}) }, lineId, shift);
        const isNew = await storage.insertShiftReport({ lineId, shiftStart: shift.start, shiftEnd: shift.end, shiftId: shift.shiftId, madeAt: report.madeAt, model: JSON.stringify(report) });
        if (!isNew) continue;
        log('shift report made', { lineId, shiftId: shift.shiftId, shiftStart: shift.start });
        made.push(report);
        // Not awaited here: a webhook backing off must not hold up the next line's report.
        deliveries.push(deliver(report));
      }
    }
    await Promise.all(deliveries);
    return made;
  };

  const runOnce = () => {
    // One run at a time: a slow delivery must not let the next tick make the same report again.
    running ??= tick().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => void runOnce().catch((error: unknown) => log('shift report run failed', { error: String(error) })), options.intervalMs ?? 30_000);
  timer.unref();
  return {
    runOnce,
    setPlant(next) {
      plant = next;
      areaOf = areasOf(next);
      lines = [...areaOf.keys()];
    },
    stop: async () => {
      isStopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

export function pdfFilename(r: Pick<ShiftReport, 'lineId' | 'start' | 'timezone'>): string {
  return reportFileName(`shift-report-${r.lineId}`, r.start, r.timezone, 'pdf');
}
