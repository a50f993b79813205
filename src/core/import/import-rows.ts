import type { FloorEvent, CorrectablePayload } from '../events.schema.ts';
import type { Plant } from '../plant.schema.ts';
import { compiledEventSchema } from '../event-parser.ts';
import { describeEventProblems } from '../event-issues.ts';
import { localTimeProblem, localTimeToMs } from '../local-time.ts';
import { shiftInstances } from '../oee/calendar.ts';
import { contentUlid } from './event-id.ts';
import { COLUMN_NAMES, KIND_COLUMNS, columnOfHeader, nameKey, type ImportColumn, type ImportKind } from './import-kinds.ts';
import type { PlantNames, Resolved } from './plant-names.ts';

/** One sheet (or CSV file) of a log as read: cells as text, the row numbers people see. */
export interface ImportSheet {
  /** Sheet name, or the file name for CSV. */
  name: string;
  kind: ImportKind;
  header: readonly string[];
  rows: readonly { rowNo: number; cells: readonly string[] }[];
}

/** Who imports: the import user (author of every event) and its device. */
export interface ImportSource {
  author: string;
  deviceId: string;
}

/** A problem of one row (or of the header, row 1): where, which column, and why. */
export interface RowProblem {
  sheet: string;
  row: number;
  column: string;
  why: string;
  /** Said, nothing refused: a repeat of an earlier row (imported once), or a column that is ignored. */
  isRepeat?: boolean;
}

export interface SheetImport {
  events: FloorEvent[];
  problems: RowProblem[];
  rowsRead: number;
  rowsImported: number;
  /** Rows equal to an earlier row (after names are resolved): imported once. */
  rowsRepeated: number;
  /** Per line, the earliest time the imported rows cover (a shift count covers its shift from its start). */
  coveredFrom: Map<string, number>;
}

const DAY_MS = 86_400_000;
const MAX_COUNT = 1_000_000;

/** "2026-03-02", "02.03.2026" or "2.3.26" to ISO "2026-03-02", or why not. */
function isoDate(text: string): string | { why: string } {
  const t = text.trim();
  let y: string | undefined, m: string | undefined, d: string | undefined;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  const de = /^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/.exec(t);
  if (iso) [, y, m, d] = iso;
  else if (de) [, d, m, y] = de;
  else return { why: `"${text}" is not a date (2026-03-02 or 02.03.2026)` };
  const year = y!.length === 2 ? `20${y}` : y!;
  const date = `${year}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
  const problem = localTimeProblem(date);
  return problem === null ? date : { why: `"${text}": ${problem}` };
}

/** "6:00", "06:00" or "06:00:00" to "06:00:00", or why not. */
function clockTime(text: string): string | { why: string } {
  const m = /^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return { why: `"${text}" is not a time of day (06:00)` };
  const time = `${m[1]!.padStart(2, '0')}:${m[2]}:${m[3] ?? '00'}`;
  const problem = localTimeProblem(`2000-01-01T${time}`);
  return problem === null ? time : { why: `"${text}": ${problem}` };
}

/** A whole number of parts, or why not. */
function partCount(text: string): number | { why: string } {
  const t = text.trim().replace(/[.' ](?=\d{3}\b)/g, '');
  if (!/^\d+$/.test(t)) return { why: `"${text}" is not a whole number of parts` };
  const n = Number(t);
  return n > MAX_COUNT ? { why: `${n} is more than ${MAX_COUNT} parts in one row` } : n;
}

/** Reads one row's cells by column, collecting every problem with its column's header. */
class RowReader {
  readonly problems: RowProblem[] = [];
  constructor(
    private readonly sheet: ImportSheet,
    private readonly at: Map<ImportColumn, number>,
    private readonly rowNo: number,
    private readonly cells: readonly string[],
  ) {}
  private header(column: ImportColumn): string {
    const i = this.at.get(column);
    return i === undefined ? (COLUMN_NAMES[column][0] as string) : (this.sheet.header[i] as string);
  }
  text(column: ImportColumn): string {
    const i = this.at.get(column);
    return i === undefined ? '' : (this.cells[i] ?? '').trim();
  }
  fail(column: ImportColumn, why: string): undefined {
    this.problems.push({ sheet: this.sheet.name, row: this.rowNo, column: this.header(column), why });
    return undefined;
  }
  /** The cell parsed, undefined (with a problem) when bad, or `empty` when blank. */
  get<T>(column: ImportColumn, parse: (t: string) => T | { why: string }, empty?: T): T | undefined {
    const t = this.text(column);
    if (t === '') return empty !== undefined ? empty : this.fail(column, 'is empty');
    const v = parse(t);
    return typeof v === 'object' && v !== null && 'why' in v ? this.fail(column, v.why) : (v as T);
  }
  id(column: ImportColumn, resolve: (name: string) => Resolved, isOptional = false): string | null | undefined {
    const t = this.text(column);
    if (t === '') return isOptional ? null : this.fail(column, 'is empty');
    const r = resolve(t);
    return 'id' in r ? r.id : this.fail(column, r.why);
  }
}

/**
 * A shift by id or name on a date, as the calendar has it that day (core/oee/calendar.ts, as the
 * engine plans it): a weekly shift, or an extra shift named by its id, its own name or the
 * exception's name. A shift the calendar does not run that day (a log of unplanned work) keeps its
 * usual times: the count is not refused.
 */
function shiftSpan(plant: Plant, name: string, date: string): { start: number; end: number } | { why: string } {
  const cal = plant.calendar;
  const key = nameKey(name);
  const extras = cal.exceptions.filter((e) => e.kind === 'extra');
  const patterns = [
    ...cal.shifts.map((s) => ({ id: s.id, names: [s.id, s.name], start: s.start, end: s.end })),
    ...extras.map((e) => ({ id: e.shift.id, names: [e.shift.id, e.shift.name, e.name], start: e.shift.start, end: e.shift.end })),
  ].filter((p) => p.names.some((n) => nameKey(n) === key));
  if (patterns.length === 0) {
    const known = [...cal.shifts.map((s) => `${s.id} (${s.name})`), ...extras.map((e) => `${e.shift.id} (${e.name}, ${e.date})`)];
    return { why: `unknown shift "${name}"; the plant has ${known.join(', ')}` };
  }
  const tz = cal.timezone;
  const dayStart = localTimeToMs(`${date}T00:00`, tz);
  const ids = new Set(patterns.map((p) => p.id));
  // The instance that starts on that local date (a night shift ends the next day).
  const planned = shiftInstances(cal, dayStart, dayStart + DAY_MS + DAY_MS / 2).find((i) => ids.has(i.shiftId) && i.start >= dayStart && i.start < localTimeToMs(`${nextDate(date)}T00:00`, tz));
  if (planned) return { start: planned.start, end: planned.end };
  const pattern = patterns[0]!;
  const start = localTimeToMs(`${date}T${pattern.start}`, tz);
  let end = localTimeToMs(`${date}T${pattern.end}`, tz);
  if (end <= start) end = localTimeToMs(`${nextDate(date)}T${pattern.end}`, tz);
  return { start, end };
}

/** The calendar date after `date` (YYYY-MM-DD). */
const nextDate = (date: string): string => new Date(Date.parse(date) + DAY_MS).toISOString().slice(0, 10);

/**
 * Validates every row of a sheet and turns the valid ones into events with content-derived ids:
 * the same row always gives the same events. Every problem names the row, the column and why;
 * a bad row is left out and never stops the others.
 */
export function importSheet(plant: Plant, names: PlantNames, sheet: ImportSheet, source: ImportSource): SheetImport {
  const out: SheetImport = { events: [], problems: [], rowsRead: 0, rowsImported: 0, rowsRepeated: 0, coveredFrom: new Map() };
  const at = new Map<ImportColumn, number>();
  const { required, optional } = KIND_COLUMNS[sheet.kind];
  const known = [...required, ...optional];
  sheet.header.forEach((h, i) => {
    const c = columnOfHeader(h);
    if (c && known.includes(c) && !at.has(c)) at.set(c, i);
    // Said, not refused: a column of the plant's own (a signature, a shift lead's initials) is ignored.
    else if (h.trim() !== '') out.problems.push({ sheet: sheet.name, row: 1, column: h, why: `ignored: not a column of a ${sheet.kind} log (${known.map((k) => COLUMN_NAMES[k][0]).join(', ')})`, isRepeat: true });
  });
  const missing: ImportColumn[] = required.filter((c) => !at.has(c));
  if (sheet.kind === 'counts' && !at.has('time') && !at.has('shift')) missing.push('time');
  if (missing.length > 0) {
    const needs = `${required.map((c) => COLUMN_NAMES[c][0]).join(', ')}${sheet.kind === 'counts' ? ', and time or shift' : ''}`;
    for (const c of missing) out.problems.push({ sheet: sheet.name, row: 1, column: COLUMN_NAMES[c][0] as string, why: `no such column; a ${sheet.kind} log needs ${needs} (this one may also be headed ${COLUMN_NAMES[c].slice(1).join(', ')})` });
    return out;
  }
  const tz = plant.calendar.timezone;
  const seen = new Map<string, number>();
  for (const { rowNo, cells } of sheet.rows) {
    if (cells.every((c) => c.trim() === '')) continue;
    out.rowsRead++;
    const r = new RowReader(sheet, at, rowNo, cells);
    const built = buildRow(plant, names, sheet.kind, r, tz);
    if (r.problems.length > 0 || !built) {
      out.problems.push(...r.problems);
      continue;
    }
    const earlier = seen.get(built.key);
    if (earlier !== undefined) {
      out.problems.push({ sheet: sheet.name, row: rowNo, column: '(row)', why: `same entry as row ${earlier}: imported once`, isRepeat: true });
      out.rowsRepeated++;
      continue;
    }
    seen.set(built.key, rowNo);
    const events = built.parts.map((p, i) => ({ v: 1, id: contentUlid(p.ts, `${built.key}|${i}`), deviceId: source.deviceId, seq: i, ts: p.ts, author: source.author, lineId: built.lineId, stationId: built.stationId, ...p.payload }));
    // stop.start carries its own id as stopId (the tablet's convention); its end names it.
    if (events[0]?.type === 'stop.start') for (const e of events) if ('stopId' in e) e.stopId = events[0].id;
    const bad = events.flatMap((e) => (compiledEventSchema.safeParse(e).success ? [] : describeEventProblems(e)));
    if (bad.length > 0) {
      out.problems.push({ sheet: sheet.name, row: rowNo, column: '(row)', why: bad.join('; ') });
      continue;
    }
    out.events.push(...(events as FloorEvent[]));
    out.rowsImported++;
    out.coveredFrom.set(built.lineId, Math.min(out.coveredFrom.get(built.lineId) ?? Infinity, built.coveredFrom));
  }
  return out;
}

interface BuiltRow {
  key: string;
  lineId: string;
  stationId: string;
  parts: { ts: number; payload: CorrectablePayload }[];
  coveredFrom: number;
}

function buildRow(plant: Plant, names: PlantNames, kind: ImportKind, r: RowReader, tz: string): BuiltRow | undefined {
  const date = r.get('date', isoDate);
  const lineId = r.id('line', (n) => names.line(n));
  const line = lineId ? names.lineById.get(lineId)?.line : undefined;
  const stationId = line ? (r.id('station', (n) => names.station(line.id, n), true) ?? line.machineStationId ?? line.stations[0]!.id) : undefined;
  const note = r.text('note');
  const noteParts = (ts: number) => (note ? [{ ts, payload: { type: 'note' as const, text: note.slice(0, 2000) } }] : []);
  if (kind === 'counts') {
    const time = r.text('time') !== '' ? r.get('time', clockTime) : undefined;
    const shift = r.text('time') === '' ? r.text('shift') : '';
    if (r.text('time') === '' && shift === '') r.fail('time', 'give a time of day or a shift');
    const productId = lineId ? r.id('product', (n) => names.product(lineId, n)) : undefined;
    const good = r.get('good', partCount, 0);
    const reject = r.get('reject', partCount, 0);
    const scrapReasonId = r.id('scrapReason', (n) => names.reason(n), true);
    if (good !== undefined && reject !== undefined && good + reject === 0) r.fail('good', 'good and reject are both 0: nothing to count');
    if (!date || !lineId || !stationId || !productId || good === undefined || reject === undefined || scrapReasonId === undefined) return undefined;
    let ts: number | undefined;
    let coveredFrom: number | undefined;
    if (time) ts = coveredFrom = localTimeToMs(`${date}T${time}`, tz);
    else if (shift) {
      const span = shiftSpan(plant, shift, date);
      // A count for a whole shift is booked in its last second, inside the shift; the log watched the shift from its start.
      if ('why' in span) r.fail('shift', span.why);
      else [ts, coveredFrom] = [span.end - 1000, span.start];
    }
    if (ts === undefined || coveredFrom === undefined) return undefined;
    const payload: CorrectablePayload = { type: 'count', productId, good, reject, ...(scrapReasonId ? { scrapReasonId } : {}) };
    return { key: `counts|${lineId}|${stationId}|${ts}|${productId}|${good}|${reject}|${scrapReasonId ?? ''}|${note}`, lineId, stationId, parts: [{ ts, payload }, ...noteParts(ts)], coveredFrom };
  }
  const start = r.get('start', clockTime);
  const end = r.get('end', clockTime);
  const reasonId = kind === 'stops' ? r.id('reason', (n) => names.reason(n), true) : null;
  const productId = kind === 'changeovers' && lineId ? r.id('product', (n) => names.product(lineId, n)) : null;
  if (!date || !lineId || !stationId || !start || !end || reasonId === undefined || productId === undefined) return undefined;
  const from = localTimeToMs(`${date}T${start}`, tz);
  let to = localTimeToMs(`${date}T${end}`, tz);
  // An end before the start is the next morning (a night shift): a stop is shorter than a day.
  if (to <= from) to = localTimeToMs(`${new Date(Date.parse(date) + DAY_MS).toISOString().slice(0, 10)}T${end}`, tz);
  const key = `${kind}|${lineId}|${stationId}|${from}|${to}|${reasonId ?? productId ?? ''}|${note}`;
  if (kind === 'stops') {
    // stopId is set to the start event's id once ids are made (see importSheet).
    const stopStart: CorrectablePayload = { type: 'stop.start', stopId: '', ...(reasonId ? { reasonId } : {}) };
    return { key, lineId, stationId, coveredFrom: from, parts: [{ ts: from, payload: stopStart }, { ts: to, payload: { type: 'stop.end', stopId: '' } }, ...noteParts(from)] };
  }
  return { key, lineId, stationId, coveredFrom: from, parts: [{ ts: from, payload: { type: 'changeover.start', toProductId: productId! } }, { ts: to, payload: { type: 'changeover.end', productId: productId! } }, ...noteParts(from)] };
}
