import type { FloorEvent } from '../events.schema.ts';
import { FloorboardError } from '../errors.ts';
import { handoverLog, type Handover } from '../handovers.ts';
import { andonCallLog, responseTimes, type AndonCall } from '../andon/calls.ts';
import { notesOf } from '../station-log.ts';
import { auditTrail, type AuditEntry } from '../oee-stops/audit-trail.ts';
import { stopsByLine } from '../oee-stops/stop-detail.ts';
import type { ShiftInstance } from '../oee/calendar.ts';
import { computeOee } from '../oee/engine.ts';
import type { Monitoring } from '../oee/no-data.ts';
import { effectiveEvents } from '../oee/normalize.ts';
import { reasonLosses } from '../oee/query.schema.ts';
import type { OeeFigures } from '../oee/report.ts';
import type { LossCategory, Plant } from '../plant.schema.ts';

/** The shift id of a report over a window that is not one shift of the calendar (the dashboards' "this hour", a custom range). */
export const WINDOW_SHIFT_ID = 'window';

/** Version of the stored report model; a stored copy is shown as made, so readers must keep reading older ones. */
export const SHIFT_REPORT_VERSION = 1;

export interface ReportStop {
  id: string;
  start: number;
  end: number;
  durationMs: number;
  stationId: string;
  reasonId: string | null;
  loss: LossCategory;
  isOpen: boolean;
  isSetup: boolean;
}

export interface ReportScrap {
  /** null: rejects counted without a reason. */
  reasonId: string | null;
  quantity: number;
}

export interface ReportChangeover {
  id: string;
  stationId: string;
  start: number;
  end: number;
  durationMs: number;
  /** The product changed to; null when the changeover came from a machine's setup state. */
  toProductId: string | null;
  isOpen: boolean;
}

export interface ReportNote {
  id: string;
  ts: number;
  stationId: string;
  author: string;
  text: string;
}

/**
 * Everything a shift report shows, with the names and labels of the plant as it was when made:
 * a stored copy reads the same after the plant file changes.
 */
export interface ShiftReport {
  v: typeof SHIFT_REPORT_VERSION;
  lineId: string;
  lineName: string;
  siteName: string;
  timezone: string;
  shiftId: string;
  shiftName: string;
  start: number;
  end: number;
  madeAt: number;
  targetOee: number;
  /** The OEE engine's figures of the line over the shift (A/P/Q, coverage, losses, counts, reasons). */
  figures: OeeFigures;
  stops: ReportStop[];
  scrap: ReportScrap[];
  changeovers: ReportChangeover[];
  notes: ReportNote[];
  /** The shift's handovers with who acknowledged them (the lead view's and the tablet's rule: first ack per station). */
  handovers: Handover[];
  /** Andon calls raised in the shift (src/core/andon, the API's one call log) with their response times. */
  andonCalls: (AndonCall & { toAcknowledgeMs: number | null; toResolveMs: number | null })[];
  corrections: AuditEntry[];
  /** Names at the time: user ids, station ids, product ids, and reason labels by language. */
  names: {
    users: Record<string, string>;
    stations: Record<string, string>;
    products: Record<string, string>;
    reasons: Record<string, { label: string; labels: Record<string, string> }>;
  };
}

export interface ShiftReportInput {
  plant: Plant;
  /** The line's events from a day before the shift to at least its end (later ones: acks, late classifications). */
  events: readonly FloorEvent[];
  lineId: string;
  shift: ShiftInstance;
  /** When the report is made; stops still open run until here, nothing later is known. */
  now: number;
  monitoring?: Monitoring;
}

/**
 * The report of one line's shift: a pure function of events, plant and shift window. Every figure
 * comes from the OEE engine and the stop table the dashboards, API and CLI use.
 */
export function buildShiftReport(input: ShiftReportInput): ShiftReport {
  const { plant, lineId, shift, now, monitoring } = input;
  const area = plant.areas.find((a) => a.lines.some((l) => l.id === lineId));
  const line = area?.lines.find((l) => l.id === lineId);
  if (!line) throw new FloorboardError('not-found', `unknown line "${lineId}"`);
  const events = input.events.filter((e) => e.lineId === lineId);
  const { start, end } = shift;
  const known = Math.min(end, now);

  const oee = computeOee(plant, events, { from: start, to: end, now, by: 'window', lineIds: [lineId] }, monitoring);
  const figures = oee.lines.find((l) => l.id === lineId)!.total;

  const losses = reasonLosses(plant);
  // Listed once per changeover (a machine setup inside one is part of it), and without stops wholly
  // in breaks (no loss, no reason needed).
  const lineStops = stopsByLine([line], events, now, losses, plant.calendar)[0]!.stops.filter((s) => s.end > start && s.start < known && s.partOf === null && !s.isOffShift);
  const cut = (s: { start: number; end: number }) => ({ start: Math.max(s.start, start), end: Math.min(s.end, known) });
  const stops: ReportStop[] = lineStops.map((s) => {
    const c = cut(s);
    return { id: s.id, ...c, durationMs: c.end - c.start, stationId: s.stationId, reasonId: s.reasonId, loss: s.loss, isOpen: s.isOpen, isSetup: s.isSetup };
  });

  const effective = effectiveEvents(events).filter((e) => e.ts >= start && e.ts < known);
  const toProduct = new Map<string, string>();
  const scrap = new Map<string | null, number>();
  const notes: ReportNote[] = [];
  for (const e of effective) {
    if (e.type === 'changeover.start') toProduct.set(e.id, e.toProductId);
    else if (e.type === 'count' && e.reject > 0) scrap.set(e.scrapReasonId ?? null, (scrap.get(e.scrapReasonId ?? null) ?? 0) + e.reject);
    else if (e.type === 'scrap') scrap.set(e.reasonId, (scrap.get(e.reasonId) ?? 0) + e.quantity);
  }
  // The station log's notes fold (core/station-log.ts), taken-back notes left out of the report.
  for (const n of [...notesOf(events, () => true, start)].reverse()) if (n.ts < known && n.voidedBy === null) notes.push({ id: n.id, ts: n.ts, stationId: n.stationId, author: n.author, text: n.text });
  const changeovers: ReportChangeover[] = lineStops
    .filter((s) => s.isSetup)
    .map((s) => {
      const c = cut(s);
      return { id: s.id, stationId: s.stationId, ...c, durationMs: c.end - c.start, toProductId: toProduct.get(s.originEventId) ?? null, isOpen: s.isOpen };
    });

  // Acks may come after the shift (the next shift reads it): they are taken from all events.
  const handovers = handoverLog(events).filter((h) => h.ts >= start && h.ts < known);
  // Answers may come after the shift: taken from all events, as the handovers' acks.
  const andonCalls = andonCallLog(events).filter((c) => c.raisedAt >= start && c.raisedAt < known).map((c) => ({ ...c, ...responseTimes(c) }));
  // First classifications are the stop list's reasons; the report's corrections are the changes made
  // after, and the splits.
  const corrections = auditTrail(events, start, known, ['correction', 'void', 'split']);

  const reasons: ShiftReport['names']['reasons'] = {};
  for (const r of plant.reasons) for (const x of [r, ...r.children]) reasons[x.id] = { label: x.label, labels: { ...x.labels } };
  const users: Record<string, string> = {};
  for (const u of plant.users) users[u.id] = u.name;
  const shiftDef = plant.calendar.shifts.find((s) => s.id === shift.shiftId);

  return {
    v: SHIFT_REPORT_VERSION,
    lineId,
    lineName: line.name,
    siteName: plant.site.name,
    timezone: plant.calendar.timezone,
    shiftId: shift.shiftId,
    shiftName: shiftDef?.name ?? shift.shiftId,
    start,
    end,
    madeAt: now,
    targetOee: line.targetOee,
    figures,
    stops,
    scrap: [...scrap].map(([reasonId, quantity]) => ({ reasonId, quantity })).sort((a, b) => b.quantity - a.quantity),
    changeovers,
    notes,
    handovers,
    andonCalls,
    corrections,
    names: {
      users,
      stations: Object.fromEntries(line.stations.map((s) => [s.id, s.name])),
      products: Object.fromEntries(plant.products.map((p) => [p.id, p.name])),
      reasons,
    },
  };
}
