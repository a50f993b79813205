import type { LossCategory, Plant, ReasonCategory } from './plant.schema.ts';

type Reason = Omit<ReasonCategory, 'children'>;

/**
 * The plant `next` as it is applied at `effectiveAt` (ms) over `previous`: a reason whose loss
 * category changes keeps its old one for the stops that began before then (`lossBefore`), so a new
 * version changes the figures from its effective time on and never the ones before (issue 13).
 * Everything else applies as it is.
 */
export function withEffectiveTime(previous: Plant, next: Plant, effectiveAt: number): Plant {
  const before = new Map<string, Reason>();
  for (const r of previous.reasons) {
    before.set(r.id, r);
    for (const c of r.children) before.set(c.id, c);
  }
  const until = new Date(effectiveAt).toISOString();
  const keep = <R extends Reason>(r: R): R => {
    const old = before.get(r.id);
    if (!old || old.loss === r.loss) return r;
    // Earlier changes (the previous version's history) come along, cut at the new effective time.
    const earlier = (old.lossBefore ?? []).filter((e) => Date.parse(e.until) < effectiveAt);
    const last: { until: string; loss: LossCategory } = { until, loss: old.loss };
    return { ...r, lossBefore: [...earlier, last] };
  };
  return { ...next, reasons: next.reasons.map((r) => ({ ...keep(r), children: r.children.map(keep) })) };
}
