import { bigLossPareto, reasonPareto } from '../charts/pareto.ts';
import { formats } from '../format.ts';
import { auditChangeText, type AuditWords } from '../oee-stops/audit-text.ts';
import type { BigLoss } from '../oee/report.ts';
import type { LossCategory } from '../plant.schema.ts';
import { scrapRows } from './scrap-rows.ts';
import { unreasonedLabel, unreasonedStopLabel } from '../reason-label.ts';
import type { ShiftReportView } from './shift-report.schema.ts';
import { WINDOW_SHIFT_ID } from './shift-report.ts';

/** Messages by key: the app's en/de catalogs (src/app/i18n), passed in so the core imports no app code. */
export type ReportCatalog = Readonly<Record<string, string>>;
/** Looks a message up and fills its `{name}` placeholders (the app's `i18n.t`, or `translator(catalog)`). */
export type Translate = (key: string, params?: Record<string, string | number>) => string;

/** A translator over one catalog, for the service (the PDF and the email). */
export function translator(catalog: ReportCatalog): Translate {
  return (key, params = {}) => (catalog[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

/**
 * A correction's or void's why: the words of the reason a tablet's undo offers ("Entered twice",
 * stored as its code), in the reader's language; a lead's own words as written.
 */
export function whyText(t: Translate, reason: string): string {
  const key = `undo.reason.${reason}`;
  const text = t(key);
  return text === key ? reason : text;
}

export interface ReportTable {
  /** Stable id for tests and the page (`report-<id>`). */
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  /** What each row stands for (a reason id, "none" for no reason), where that is one thing. */
  keys?: string[];
  /** Shown instead of an empty table. */
  empty: string;
}

export interface ReportKpi {
  id: 'oee' | 'availability' | 'performance' | 'quality' | 'coverage' | 'good' | 'reject' | 'planned' | 'run' | 'stop' | 'no-data';
  label: string;
  value: string;
}

/** A shift report as text in one language: what the page, the print and the PDF lay out. */
export interface ReportLayout {
  lang: string;
  title: string;
  subtitle: string;
  madeAt: string;
  kpis: ReportKpi[];
  tables: ReportTable[];
}

/**
 * Turns a report model into text in `locale` (numbers, dates and times through Intl, in the
 * plant's time zone) with the messages of `t`. The page and the PDF both lay out this, so they
 * cannot say different things.
 */
export function layoutShiftReport(r: ShiftReportView, t: Translate, locale: string): ReportLayout {
  // The one formatting module every screen uses, in the plant's time zone.
  const fm = formats(locale, r.timezone);
  const { duration } = fm;
  const int = { format: (n: number) => fm.number(n) };
  const time = { format: (ms: number) => fm.time(ms) };
  const ratio = (x: number | null) => fm.percent(x, 1);
  const span = (a: number, b: number) => `${time.format(a)}–${time.format(b)}`;
  const user = (id: string) => r.names.users[id] ?? id;
  const station = (id: string) => r.names.stations[id] ?? id;
  const lossLabel = (loss: string) => t(`dash.loss.${loss}`);
  const reason = (id: string | null, loss?: LossCategory) => {
    if (id === null) return unreasonedLabel(loss, t);
    const x = r.names.reasons[id];
    return x ? (x.labels[locale] ?? x.label) : id;
  };
  const words: AuditWords = { t, reason: (id) => reason(id), product: (id) => r.names.products[id] ?? id, time: time.format };
  const f = r.figures;
  const oee = f.isScheduled ? ratio(f.oee) : t(f.noDataMs > 0 ? 'dash.state.no-data' : 'dash.state.not-scheduled');
  const kpis: ReportKpi[] = [
    { id: 'oee', label: `${t('report.oee')} (${t('report.target')} ${ratio(r.targetOee)})`, value: oee },
    { id: 'availability', label: t('dash.kpi.availability'), value: ratio(f.availability) },
    { id: 'performance', label: t('dash.kpi.performance'), value: ratio(f.performance) },
    { id: 'quality', label: t('dash.kpi.quality'), value: ratio(f.quality) },
    { id: 'coverage', label: t('dash.coverage'), value: ratio(f.coverage) },
    { id: 'no-data', label: t('dash.state.no-data'), value: duration(f.noDataMs) },
    { id: 'planned', label: t('dash.report.planned'), value: duration(f.plannedMs) },
    { id: 'run', label: t('dash.report.run'), value: duration(f.runMs) },
    { id: 'stop', label: t('dash.report.stop'), value: duration(f.stopMs) },
    { id: 'good', label: t('dash.report.good'), value: int.format(f.good) },
    { id: 'reject', label: t('dash.report.reject'), value: int.format(f.reject) },
  ];
  // The dashboards' own Pareto rows (core/charts): the same order, shares and "Other" row as the line view.
  const lossRows = bigLossPareto(f.lossMs as Partial<Record<BigLoss, number>>, lossLabel);
  const reasonRows = reasonPareto(f.topReasons, { label: reason, otherLabel: t('dash.pareto.other'), rest: f.otherReasons });
  // Every reject of the figures, a machine counter's too: the rows sum to "Rejects".
  const scrap = scrapRows(r.scrap, f.reject);
  const tables: ReportTable[] = [
    {
      id: 'losses',
      title: t('report.losses'),
      head: [t('report.col.loss'), t('report.col.duration'), t('report.col.share')],
      rows: lossRows.map((x) => [x.label, duration(x.durationMs), ratio(x.share)]),
      keys: lossRows.map((x) => x.key),
      empty: t('report.none'),
    },
    {
      id: 'reasons',
      title: t('dash.pareto.reason'),
      head: [t('report.col.reason'), t('report.col.duration'), t('report.col.count'), t('report.col.share')],
      rows: reasonRows.map((x) => [x.label, duration(x.durationMs), int.format(x.count), ratio(x.share)]),
      keys: reasonRows.map((x) => x.key),
      empty: t('report.none'),
    },
    {
      id: 'stops',
      title: t('report.stops'),
      head: [t('report.col.time'), t('report.col.station'), t('report.col.duration'), t('report.col.reason')],
      rows: r.stops
        .filter((s) => !s.isSetup)
        .map((s) => [span(s.start, s.end) + (s.isOpen ? ` (${t('report.open')})` : ''), station(s.stationId), duration(s.durationMs), s.reasonId === null ? unreasonedStopLabel(s, t) : reason(s.reasonId)]),
      empty: t('report.none'),
    },
    {
      id: 'scrap',
      title: t('report.scrap'),
      head: [t('report.col.reason'), t('report.col.quantity')],
      rows: scrap.map((s) => [s.isMachine ? t('report.scrap.machine') : reason(s.reasonId), int.format(s.quantity)]),
      keys: scrap.map((s) => (s.isMachine ? 'machine' : (s.reasonId ?? 'none'))),
      empty: t('report.none'),
    },
    {
      id: 'changeovers',
      title: t('report.changeovers'),
      head: [t('report.col.time'), t('report.col.station'), t('report.col.duration'), t('report.col.product')],
      rows: r.changeovers.map((c) => [
        span(c.start, c.end) + (c.isOpen ? ` (${t('report.open')})` : ''),
        station(c.stationId),
        duration(c.durationMs),
        c.toProductId ? (r.names.products[c.toProductId] ?? c.toProductId) : '–',
      ]),
      empty: t('report.none'),
    },
    {
      id: 'notes',
      title: t('report.notes'),
      head: [t('report.col.time'), t('report.col.station'), t('report.col.author'), t('report.col.text')],
      rows: r.notes.map((n) => [time.format(n.ts), station(n.stationId), user(n.author), n.text]),
      empty: t('report.none'),
    },
    {
      id: 'handovers',
      title: t('report.handovers'),
      head: [t('report.col.time'), t('report.col.station'), t('report.col.author'), t('report.col.text'), t('report.col.acks')],
      rows: r.handovers.map((h) => [
        time.format(h.ts),
        h.scope === 'line' ? t('report.handoverScope.line') : station(h.stationId),
        user(h.author),
        [...h.topics.map((x) => t(`handover.topic.${x}`)), h.text].filter(Boolean).join(' · '),
        h.acks.length ? h.acks.map((a) => `${user(a.author)} ${time.format(a.ts)}`).join(', ') : t('report.notAcked'),
      ]),
      empty: t('report.none'),
    },
    {
      id: 'andon',
      title: t('report.andon'),
      head: [t('report.col.time'), t('report.col.station'), t('report.col.call'), t('report.col.level'), t('report.col.acks'), t('report.col.toAck'), t('report.col.toResolve')],
      rows: r.andonCalls.map((c) => [
        time.format(c.raisedAt),
        station(c.stationId),
        t(`report.andonKind.${c.kind}`),
        String(c.level),
        c.resolved?.how === 'taken-back' ? t('report.takenBack', { name: user(c.resolved.by), time: time.format(c.resolved.at) }) : c.ack ? `${user(c.ack.by)} ${time.format(c.ack.at)}` : t('report.notAcked'),
        c.toAcknowledgeMs === null ? '–' : duration(c.toAcknowledgeMs),
        c.toResolveMs === null ? '–' : duration(c.toResolveMs),
      ]),
      empty: t('report.none'),
    },
    {
      id: 'corrections',
      title: t('report.corrections'),
      head: [t('report.col.time'), t('report.col.author'), t('report.col.change'), t('report.col.reason')],
      rows: r.corrections.map((c) => [
        time.format(c.ts),
        user(c.author),
        `${auditChangeText({ kind: c.kind ?? (c.after ? 'correction' : 'void'), before: c.before, after: c.after, targetTs: c.targetTs }, words)}${c.isVoided ? ` (${t('report.void')})` : ''}`,
        whyText(t, c.reason),
      ]),
      empty: t('report.none'),
    },
  ];
  return {
    lang: locale,
    title: `${t('dash.report.title')}: ${r.lineName}`,
    // A window that is not one shift has no shift name: "Period, <date>" (a plant's own shift named like the id keeps its name).
    subtitle: `${r.siteName} · ${t('report.shift', { shift: r.shiftId === WINDOW_SHIFT_ID && r.shiftName === WINDOW_SHIFT_ID ? t('report.period') : r.shiftName, date: fm.date(r.start) })} · ${span(r.start, r.end)}`,
    madeAt: t('report.madeAt', { time: fm.dateTime(r.madeAt) }),
    kpis,
    tables,
  };
}
