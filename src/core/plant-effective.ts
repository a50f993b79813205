import type { Calendar, LineProduct, LossCategory, Plant, ReasonCategory } from './plant.schema.ts';

type Reason = Omit<ReasonCategory, 'children'>;
type CalendarPattern = Pick<Calendar, 'timezone' | 'shifts' | 'exceptions'>;

/** Earlier values kept by the previous version, cut at the new effective time, then the value that ends there. */
function history<T extends { until: string }>(earlier: readonly T[] | undefined, effectiveAt: number, last: T): T[] {
  return [...(earlier ?? []).filter((e) => Date.parse(e.until) < effectiveAt), last];
}

const patternOf = (c: CalendarPattern): CalendarPattern => ({ timezone: c.timezone, shifts: c.shifts, exceptions: c.exceptions });
const samePattern = (a: CalendarPattern, b: CalendarPattern) => JSON.stringify(patternOf(a)) === JSON.stringify(patternOf(b));

/**
 * The plant `next` as it is applied at `effectiveAt` (ms) over `previous`. What the figures of the
 * past were computed with keeps its old value before then, so a new version changes the figures
 * from its effective time on and never the ones before (issue 13):
 * - a reason whose loss category changes keeps the old one for stops that began before (`lossBefore`);
 * - a product whose ideal cycle time on a line changes keeps the old one for counts made before
 *   (`idealCycleTimeBefore`);
 * - a changed calendar (shifts, breaks, holidays, extra shifts, zone) keeps the old one for shifts
 *   that start before (`calendar.before`).
 * Everything else applies as it is.
 */
export function withEffectiveTime(previous: Plant, next: Plant, effectiveAt: number): Plant {
  const until = new Date(effectiveAt).toISOString();
  const reasonsBefore = new Map<string, Reason>();
  for (const r of previous.reasons) {
    reasonsBefore.set(r.id, r);
    for (const c of r.children) reasonsBefore.set(c.id, c);
  }
  const keepLoss = <R extends Reason>(r: R): R => {
    const old = reasonsBefore.get(r.id);
    if (!old) return r;
    // Unchanged: the history stays as it was, whatever the new file says of it.
    if (old.loss === r.loss) return old.lossBefore ? { ...r, lossBefore: old.lossBefore } : r;
    return { ...r, lossBefore: history<{ until: string; loss: LossCategory }>(old.lossBefore, effectiveAt, { until, loss: old.loss }) };
  };

  const productsBefore = new Map<string, LineProduct>();
  for (const a of previous.areas) for (const l of a.lines) for (const p of l.products) productsBefore.set(`${l.id}/${p.productId}`, p);
  const keepIct = (lineId: string, p: LineProduct): LineProduct => {
    const old = productsBefore.get(`${lineId}/${p.productId}`);
    if (!old) return p;
    if (old.idealCycleTimeSec === p.idealCycleTimeSec) return old.idealCycleTimeBefore ? { ...p, idealCycleTimeBefore: old.idealCycleTimeBefore } : p;
    return { ...p, idealCycleTimeBefore: history(old.idealCycleTimeBefore, effectiveAt, { until, idealCycleTimeSec: old.idealCycleTimeSec }) };
  };

  const calendar: Calendar = samePattern(previous.calendar, next.calendar)
    ? previous.calendar.before
      ? { ...next.calendar, before: previous.calendar.before }
      : next.calendar
    : { ...next.calendar, before: history(previous.calendar.before, effectiveAt, { until, ...patternOf(previous.calendar) }) };

  return {
    ...next,
    calendar,
    areas: next.areas.map((a) => ({ ...a, lines: a.lines.map((l) => ({ ...l, products: l.products.map((p) => keepIct(l.id, p)) })) })),
    reasons: next.reasons.map((r) => ({ ...keepLoss(r), children: r.children.map(keepLoss) })),
  };
}
