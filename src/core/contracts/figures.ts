import * as z from 'zod/mini';
import type { OeeFigures } from '../oee/report.ts';

const ratio = z.nullable(z.number().check(z.minimum(0)));
const ms = z.number().check(z.minimum(0));
const count = z.number().check(z.int(), z.minimum(0));

/**
 * The headline figures of a scope and window, as the OEE engine computes them (docs/oee.md): one
 * shape for the live snapshot on MQTT (`live.schema.ts`) and the history API (`history.ts`), so
 * both say the same thing with the same names.
 */
export const headlineFiguresShape = {
  availability: ratio,
  performance: ratio,
  quality: ratio,
  oee: ratio,
  isScheduled: z.boolean(),
  isPerformanceOverLimit: z.boolean(),
  plannedMs: ms,
  /** Time nobody saw in the window (ADR 0009); 0 from a service before it. */
  noDataMs: z._default(ms, 0),
  /** Monitored coverage beside OEE, 0..1 (ADR 0009); null when nothing was scheduled. */
  coverage: z._default(z.nullable(z.number().check(z.minimum(0), z.maximum(1))), null),
  runMs: ms,
  stopMs: ms,
  good: count,
  reject: count,
  total: count,
  stopCount: count,
};
export type HeadlineFigures = z.infer<z.ZodMiniObject<typeof headlineFiguresShape>>;

const headlineKeys = Object.keys(headlineFiguresShape) as (keyof HeadlineFigures)[];

/** The headline fields of the engine's figures, nothing else (a snapshot carries no loss map). */
export function headlineOf(f: OeeFigures): HeadlineFigures {
  const out: Partial<Record<keyof HeadlineFigures, unknown>> = {};
  for (const k of headlineKeys) out[k] = f[k];
  return out as HeadlineFigures;
}
