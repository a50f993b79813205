import type { OeeBucket, OeeFigures, OeeReport, ScopeReport } from './report.ts';

/** One output row: a scope (line, area, site) in one bucket, or its total over the window. */
export interface OeeRow {
  scope: ScopeReport['scope'];
  id: string;
  start: number;
  end: number;
  /** Shift id of a shift bucket; "total" for the whole-window row of a scope with several buckets. */
  label: string;
  figures: OeeFigures;
}

const bucketRow = (s: ScopeReport, b: OeeBucket): OeeRow => ({ scope: s.scope, id: s.id, start: b.start, end: b.end, label: b.shiftId ?? '', figures: b });

/**
 * Flattens a report into rows: each line's buckets, then each area's, then the site's.
 * A scope with more than one bucket also gets a total row, computed by the engine (never by
 * averaging the rows above it).
 */
export function reportRows(report: OeeReport): OeeRow[] {
  const scopes = [...report.lines, ...report.areas, report.site];
  return scopes.flatMap((s) => {
    const rows = s.buckets.map((b) => bucketRow(s, b));
    if (s.buckets.length > 1) rows.push({ scope: s.scope, id: s.id, start: report.query.from, end: report.query.to, label: 'total', figures: s.total });
    return rows;
  });
}

/** A ratio as a percentage with two decimals, or null when there is none. */
export const percent = (ratio: number | null): string | null => (ratio === null ? null : (ratio * 100).toFixed(2));
/** Milliseconds as minutes with one decimal. */
export const minutes = (ms: number): string => (ms / 60_000).toFixed(1);
