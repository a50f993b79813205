import type { OeeBucket, OeeQuery, OeeReport, ScopeReport } from './report.ts';
import type { Plan } from './plan.ts';
import type { LineRaw } from './line-figures.ts';
import type { SelectedLine } from './query.schema.ts';
import { addRaw, emptyRaw, finalize, finalizeBucket, type RawFigures } from './figures.ts';

function scope(kind: ScopeReport['scope'], id: string, plan: Plan, raw: LineRaw): ScopeReport {
  const buckets: OeeBucket[] = new Array(raw.buckets.length);
  for (let i = 0; i < buckets.length; i++) {
    const b = plan.buckets[i] as Plan['buckets'][number];
    buckets[i] = finalizeBucket(raw.buckets[i] as RawFigures, b.start, b.end, b.shiftId);
  }
  return { scope: kind, id, buckets, total: finalize(raw.total) };
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
  const areas = areaIds.map((areaId) =>
    scope('area', areaId, plan, sum(plan, raws.filter((_, i) => (lines[i] as SelectedLine).areaId === areaId))),
  );
  return { query: { ...query }, lines: lineReports, areas, site: scope('site', siteId, plan, sum(plan, raws)) };
}
