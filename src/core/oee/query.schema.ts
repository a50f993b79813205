import { ReasonLosses } from './reason-loss.ts';
import { z } from 'zod';
import { epochMsSchema, topicIdSchema } from '../ids.schema.ts';
import { describeIssues } from '../events.schema.ts';
import { FloorboardError } from '../errors.ts';
import type { Line, LossCategory, Plant } from '../plant.schema.ts';
import type { OeeQuery } from './report.ts';

/** The OEE query on the wire (CLI, HTTP): a window [from, to), `now`, a bucketing and optional lines. */
export const oeeQuerySchema = z
  .object({
    from: epochMsSchema,
    to: epochMsSchema,
    now: epochMsSchema,
    by: z.enum(['hour', 'shift', 'day', 'window']),
    lineIds: z.array(topicIdSchema).optional(),
  })
  .refine((q) => q.to >= q.from, { message: 'must not be before "from"', path: ['to'] })
  .refine((q) => q.by !== 'hour' || q.to - q.from <= 400 * 86_400_000, { message: 'hour buckets cover at most 400 days', path: ['by'] });

export interface SelectedLine {
  areaId: string;
  line: Line;
}

/**
 * Checks a query against the plant and returns the lines it covers, in plant order.
 * @throws FloorboardError 'invalid-arguments' naming every bad field or unknown line.
 */
export function selectLines(plant: Plant, query: OeeQuery): SelectedLine[] {
  const parsed = oeeQuerySchema.safeParse(query);
  if (!parsed.success) throw new FloorboardError('invalid-arguments', 'invalid OEE query', { details: describeIssues(parsed.error) });
  const all: SelectedLine[] = plant.areas.flatMap((a) => a.lines.map((line) => ({ areaId: a.id, line })));
  if (!query.lineIds) return all;
  const known = new Set(all.map((l) => l.line.id));
  const unknown = query.lineIds.filter((id) => !known.has(id));
  if (unknown.length > 0)
    throw new FloorboardError('invalid-arguments', 'invalid OEE query', { details: unknown.map((id) => `lineIds: unknown line "${id}"`) });
  const wanted = new Set(query.lineIds);
  return all.filter((l) => wanted.has(l.line.id));
}

const lossCache = new WeakMap<Plant, ReasonLosses>();

/** Reason id to the loss it is booked to, over both levels of the tree, with earlier losses by time (reason-loss.ts). */
export function reasonLosses(plant: Plant): ReasonLosses {
  let map = lossCache.get(plant);
  if (!map) {
    const m = new ReasonLosses();
    const add = (r: { id: string; loss: LossCategory; lossBefore?: readonly { until: string; loss: LossCategory }[] | undefined }) => {
      m.set(r.id, r.loss);
      m.setEarlier(r.id, (r.lossBefore ?? []).map((e) => ({ until: Date.parse(e.until), loss: e.loss })));
    };
    for (const r of plant.reasons) {
      add(r);
      for (const c of r.children) add(c);
    }
    lossCache.set(plant, (map = m));
  }
  return map;
}
