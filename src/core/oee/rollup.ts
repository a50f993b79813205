import type { OeeBucket, OeeFigures, OeeQuery, OeeReport, ScopeReport } from './report.ts';
import type { Plan } from './plan.ts';
import type { LineRaw } from './line-figures.ts';
import type { SelectedLine } from './query.schema.ts';
import { addRaw, emptyRaw, finalize, finalizeBucket, type RawFigures } from './figures.ts';

function scope(kind: ScopeReport['scope'], id: string, plan: Plan, raw: LineRaw, isShared = false): ScopeReport {
  const buckets: OeeBucket[] = new Array(raw.buckets.length);
  for (let i = 0; i < buckets.length; i++) {
    const b = plan.buckets[i] as Plan['buckets'][number];
    buckets[i] = finalizeBucket(raw.buckets[i] as RawFigures, b.start, b.end, b.shiftId, isShared);
  }
  return { scope: kind, id, buckets, total: finalize(raw.total, isShared) };
}

/** A deep copy of finalized figures: the clone keeps the shape and key order, no part is shared. */
function copyFigures<T extends OeeFigures>(f: T): T {
  const out = { ...f };
  out.lossMs = { ...f.lossMs };
  const top = f.topReasons;
  const copy = new Array(top.length);
  for (let k = 0; k < top.length; k++) copy[k] = { ...top[k] };
  out.topReasons = copy;
  out.otherReasons = { ...f.otherReasons };
  return out;
}

/** `line` as another scope: its buckets and total copied, not derived again. */
function copyScope(kind: ScopeReport['scope'], id: string, line: ScopeReport): ScopeReport {
  const buckets: OeeBucket[] = new Array(line.buckets.length);
  for (let i = 0; i < buckets.length; i++) buckets[i] = copyFigures(line.buckets[i] as OeeBucket);
  return { scope: kind, id, buckets, total: copyFigures(line.total) };
}

/**
 * The roll-up of `parts`. A roll-up of one line is that line's figures: summing them into zeros
 * gives the same numbers (0 + x is x, and no raw figure is -0) and reasons in the same order, so
 * the line's finalized report is copied (`only`) instead of summing a thousand buckets and deriving
 * them again. One line per call is how a server streams a year out of storage.
 */
function rollUp(kind: ScopeReport['scope'], id: string, plan: Plan, parts: readonly LineRaw[], only?: ScopeReport): ScopeReport {
  if (parts.length === 1) return only ? copyScope(kind, id, only) : scope(kind, id, plan, parts[0] as LineRaw, true);
  return scope(kind, id, plan, sum(plan, parts));
}

function sum(plan: Plan, parts: readonly LineRaw[]): LineRaw {
  const first = parts[0];
  // Elapsed time adds up per line, like every other time: a site of 6 lines has 6 lines' worth.
  const out: LineRaw = { buckets: plan.buckets.map(() => emptyRaw()), total: emptyRaw() };
  if (!first) return out;
  for (const p of parts) {
    p.buckets.forEach((b, i) => addRaw(out.buckets[i] as RawFigures, b));
    addRaw(out.total, p.total);
  }
  return out;
}

/** Per-line figures, rolled up per area and site from summed times and counts, never from averaged ratios. */
export function buildReport(siteId: string, query: OeeQuery, plan: Plan, lines: readonly SelectedLine[], raws: readonly LineRaw[]): OeeReport {
  const lineReports = lines.map((l, i) => scope('line', l.line.id, plan, raws[i] as LineRaw));
  const areaIds = [...new Set(lines.map((l) => l.areaId))];
  const areas = areaIds.map((areaId) => {
    const idx = lines.flatMap((l, i) => (l.areaId === areaId ? [i] : []));
    return rollUp('area', areaId, plan, idx.map((i) => raws[i] as LineRaw), idx.length === 1 ? lineReports[idx[0] as number] : undefined);
  });
  return { query: { ...query }, lines: lineReports, areas, site: rollUp('site', siteId, plan, raws, lineReports.length === 1 ? lineReports[0] : undefined) };
}
