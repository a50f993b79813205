import type { FloorEvent } from '../events.schema.ts';
import type { Line } from '../plant.schema.ts';
import { effectiveEvents } from '../oee/normalize.ts';
import type { StopDetail } from './stop-detail.ts';

/** Who and what a stop list names beside the stop itself. */
export interface StopContext {
  /** The person who opened or classified it (never a machine gateway); null when nobody did. */
  operatorId: string | null;
  /** The product the line was making when it stopped. */
  productId: string | null;
}

const productOf = (e: FloorEvent): string | undefined =>
  e.type === 'changeover.end' || e.type === 'count' ? e.productId : e.type === 'machine.counter' ? e.productId : undefined;

/**
 * Operator and product of each stop (by id): the product of the line's newest count or finished
 * changeover before the stop began (the line's first product before any), and the author of the
 * stop's opening event, else of its reason, when that author `isPerson`.
 */
export function stopContexts(line: Line, events: readonly FloorEvent[], stops: readonly StopDetail[], isPerson: (userId: string) => boolean): Map<string, StopContext> {
  const byId = new Map<string, FloorEvent>();
  const marks: { ts: number; productId: string }[] = [];
  for (const e of effectiveEvents(events)) {
    if (e.lineId !== line.id) continue;
    byId.set(e.id, e);
    const p = productOf(e);
    if (p) marks.push({ ts: e.ts, productId: p });
  }
  const first = line.products[0]?.productId ?? null;
  const out = new Map<string, StopContext>();
  // Marks are in time order; walking the stops by start, the last mark at or before it wins.
  let i = 0;
  let productId = first;
  for (const s of [...stops].sort((a, b) => a.start - b.start)) {
    while (i < marks.length && marks[i]!.ts <= s.start) productId = marks[i++]!.productId;
    const opener = byId.get(s.originEventId)?.author;
    const operatorId = opener && isPerson(opener) ? opener : s.reasonEvent && isPerson(s.reasonEvent.author) ? s.reasonEvent.author : null;
    out.set(s.id, { operatorId, productId });
  }
  return out;
}
