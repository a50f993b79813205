/**
 * What people write on paper and in spreadsheets, by kind of log: the columns each kind has, and
 * the header names (English or German, matched case- and space-insensitively) that stand for them.
 */
export const importKinds = ['stops', 'counts', 'changeovers'] as const;
export type ImportKind = (typeof importKinds)[number];

export type ImportColumn = 'date' | 'start' | 'end' | 'time' | 'shift' | 'line' | 'station' | 'reason' | 'note' | 'product' | 'good' | 'reject' | 'scrapReason';

/** Header names per column; the first is the one messages use. */
export const COLUMN_NAMES: Record<ImportColumn, readonly string[]> = {
  date: ['date', 'datum', 'day', 'tag'],
  start: ['start', 'from', 'begin', 'beginn', 'von', 'startzeit'],
  end: ['end', 'to', 'until', 'ende', 'bis', 'endzeit'],
  time: ['time', 'zeit', 'uhrzeit'],
  shift: ['shift', 'schicht'],
  line: ['line', 'linie', 'anlage'],
  station: ['station', 'arbeitsplatz', 'maschine', 'machine'],
  reason: ['reason', 'grund', 'ursache', 'stillstandsgrund'],
  note: ['note', 'notiz', 'bemerkung', 'comment', 'kommentar'],
  product: ['product', 'produkt', 'artikel', 'part', 'teil'],
  good: ['good', 'gut', 'gutteile', 'io', 'i.o.'],
  reject: ['reject', 'rejects', 'ausschuss', 'nio', 'n.i.o.'],
  scrapReason: ['scrap reason', 'reject reason', 'ausschussgrund', 'fehlerart'],
};

/** Columns a kind requires, and those it may have. `counts` needs a time or a shift. */
export const KIND_COLUMNS: Record<ImportKind, { required: readonly ImportColumn[]; optional: readonly ImportColumn[] }> = {
  stops: { required: ['date', 'start', 'end', 'line'], optional: ['station', 'reason', 'note'] },
  counts: { required: ['date', 'line', 'product'], optional: ['time', 'shift', 'station', 'good', 'reject', 'scrapReason', 'note'] },
  changeovers: { required: ['date', 'start', 'end', 'line', 'product'], optional: ['station', 'note'] },
};

/** Sheet names (of an XLSX workbook) that say which kind a sheet holds. */
export const KIND_SHEET_NAMES: Record<ImportKind, readonly string[]> = {
  stops: ['stops', 'stoppages', 'downtime', 'stillstände', 'stillstaende', 'störungen'],
  counts: ['counts', 'production', 'stückzahlen', 'stueckzahlen', 'produktion'],
  changeovers: ['changeovers', 'rüsten', 'ruesten', 'umrüstungen', 'produktwechsel'],
};

/** Case-, space- and accent-form-insensitive key of a name people wrote. */
export const nameKey = (s: string): string => s.normalize('NFC').toLowerCase().replace(/\s+/g, '');

/** The column a header names, or undefined. */
export function columnOfHeader(header: string): ImportColumn | undefined {
  const key = nameKey(header);
  for (const [column, names] of Object.entries(COLUMN_NAMES)) if (names.some((n) => nameKey(n) === key)) return column as ImportColumn;
  return undefined;
}

/** The kind a sheet name says, or undefined. */
export function kindOfSheet(name: string): ImportKind | undefined {
  const key = nameKey(name);
  for (const [kind, names] of Object.entries(KIND_SHEET_NAMES)) if (key === kind || names.some((n) => nameKey(n) === key)) return kind as ImportKind;
  return undefined;
}
