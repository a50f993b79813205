import type { BigLoss, ReasonRest } from '../oee/report.ts';

/** One bar of a Pareto chart with its share of the whole and its cumulative share. */
export interface ParetoRow {
  /** A reason id, `none:<loss>` for stops nobody classified, a big loss, or OTHER_KEY. */
  key: string;
  label: string;
  loss: BigLoss | null;
  durationMs: number;
  count: number;
  share: number;
  cumulativeShare: number;
}

/** The six big losses in the order of the OEE factors (availability, performance, quality). */
export const bigLosses: readonly BigLoss[] = ['breakdown', 'setup', 'minor-stop', 'reduced-speed', 'process-defect', 'reduced-yield'];

type Unshared = Omit<ParetoRow, 'share' | 'cumulativeShare'>;

/** Rows with time lost, largest first (ties by key). */
const byDurationDesc = (rows: Unshared[]): Unshared[] => rows.filter((r) => r.durationMs > 0).sort((a, b) => b.durationMs - a.durationMs || a.key.localeCompare(b.key));

/** Sorted rows, then `last` (if any), each with its share of all of them and the cumulative share. */
function withShares(rows: Unshared[], last: Unshared | null = null): ParetoRow[] {
  const sorted = [...byDurationDesc(rows), ...(last ? [last] : [])];
  const total = sorted.reduce((s, r) => s + r.durationMs, 0);
  let cum = 0;
  return sorted.map((r) => {
    cum += r.durationMs;
    return { ...r, share: total > 0 ? r.durationMs / total : 0, cumulativeShare: total > 0 ? cum / total : 0 };
  });
}

/** How many reasons a Pareto of time lost by reason shows before its "Other" row. */
export const PARETO_TOP = 5;
/** The key of the "Other" row: every reason after the top ones, summed (no reason id has a ":"). */
export const OTHER_KEY = 'other:';

export interface ReasonParetoOptions {
  /** Turns a reason id (null: nobody classified the stop) into its text. */
  label: (reasonId: string | null, loss: BigLoss) => string;
  /** The "Other" row's text ("Other", "Andere"). */
  otherLabel: string;
  /** Time and stops of reasons not in `reasons` at all (the engine's `otherReasons`): they go to "Other". */
  rest?: ReasonRest;
  /** Reasons shown by name; the rest is one "Other" row. */
  top?: number;
}

/**
 * Time lost by reason, largest first: THE Pareto by reason of the line view and the shift report
 * (page, print, PDF, email). Stops nobody classified yet are one bar ("no reason") per loss, so
 * they stay visible instead of vanishing. The `top` largest reasons get a row each; every reason
 * after them, and `rest`, is one "Other" row at the end. Every share is of the whole time lost
 * (the top rows, Other included), so the shares add up to 100 %.
 * @example reasonPareto(f.topReasons, { label, otherLabel: 'Other', rest: f.otherReasons })
 */
export function reasonPareto(reasons: readonly { reasonId: string | null; loss: BigLoss; durationMs: number; count: number }[], options: ReasonParetoOptions): ParetoRow[] {
  const { label, otherLabel, rest = { durationMs: 0, count: 0 }, top = PARETO_TOP } = options;
  const merged = new Map<string, Omit<ParetoRow, 'share' | 'cumulativeShare'>>();
  for (const r of reasons) {
    const key = r.reasonId ?? `none:${r.loss}`;
    const row = merged.get(key);
    if (row) {
      row.durationMs += r.durationMs;
      row.count += r.count;
    } else merged.set(key, { key, label: label(r.reasonId, r.loss), loss: r.loss, durationMs: r.durationMs, count: r.count });
  }
  const named = byDurationDesc([...merged.values()]);
  const other = { key: OTHER_KEY, label: otherLabel, loss: null, durationMs: rest.durationMs, count: rest.count };
  for (const r of named.slice(top)) {
    other.durationMs += r.durationMs;
    other.count += r.count;
  }
  // Other last, whatever its size: it is many reasons, not the largest one.
  return withShares(named.slice(0, top), other.durationMs > 0 ? other : null);
}

/** Time lost by each of the six big losses (quality losses as rejects x ideal cycle time), largest first. */
export function bigLossPareto(lossMs: Partial<Record<BigLoss, number>>, label: (loss: BigLoss) => string): ParetoRow[] {
  return withShares(bigLosses.map((loss) => ({ key: loss, label: label(loss), loss, durationMs: lossMs[loss] ?? 0, count: 0 })));
}
