import type { BigLoss } from '../oee/report.ts';

/** One bar of a Pareto chart with its cumulative share. */
export interface ParetoRow {
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

function withShares(rows: Omit<ParetoRow, 'share' | 'cumulativeShare'>[]): ParetoRow[] {
  const sorted = rows.filter((r) => r.durationMs > 0).sort((a, b) => b.durationMs - a.durationMs || a.key.localeCompare(b.key));
  const total = sorted.reduce((s, r) => s + r.durationMs, 0);
  let cum = 0;
  return sorted.map((r) => {
    cum += r.durationMs;
    return { ...r, share: total > 0 ? r.durationMs / total : 0, cumulativeShare: total > 0 ? cum / total : 0 };
  });
}

/**
 * Time lost by reason, largest first. Stops nobody classified yet are one bar ("no reason") per
 * loss, so they stay visible instead of vanishing. `label` turns a reason id into its text.
 */
export function reasonPareto(reasons: readonly { reasonId: string | null; loss: BigLoss; durationMs: number; count: number }[], label: (reasonId: string | null, loss: BigLoss) => string): ParetoRow[] {
  const merged = new Map<string, Omit<ParetoRow, 'share' | 'cumulativeShare'>>();
  for (const r of reasons) {
    const key = r.reasonId ?? `none:${r.loss}`;
    const row = merged.get(key);
    if (row) {
      row.durationMs += r.durationMs;
      row.count += r.count;
    } else merged.set(key, { key, label: label(r.reasonId, r.loss), loss: r.loss, durationMs: r.durationMs, count: r.count });
  }
  return withShares([...merged.values()]);
}

/** Time lost by each of the six big losses (quality losses as rejects x ideal cycle time), largest first. */
export function bigLossPareto(lossMs: Partial<Record<BigLoss, number>>, label: (loss: BigLoss) => string): ParetoRow[] {
  return withShares(bigLosses.map((loss) => ({ key: loss, label: label(loss), loss, durationMs: lossMs[loss] ?? 0, count: 0 })));
}
