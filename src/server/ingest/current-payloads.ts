import type { CorrectablePayload, FloorEvent } from '../../core/index.ts';
import { compareEvents } from '../../core/oee/normalize.ts';
import { payloadOf } from '../../core/oee-stops/audit-trail.ts';
import type { EventOrigin, Storage } from '../storage/storage.ts';

type Correction = Extract<FloorEvent, { type: 'correction' }>;

/**
 * What each stored target says now: its newest stored correction's replacement, else its own
 * payload. Reads the targets by id and the corrections of their lines since the oldest of them:
 * a range of the (line, time) index filtered by type, run only for a group holding a lead's
 * correction (rare); a correction of a week-old entry scans that week of its line.
 */
export function currentPayloads(storage: Pick<Storage, 'listEvents'>) {
  return async (targets: readonly EventOrigin[]): Promise<Map<string, CorrectablePayload>> => {
    const out = new Map<string, CorrectablePayload>();
    if (targets.length === 0) return out;
    const raw = await storage.listEvents({ ids: targets.map((t) => t.id) });
    for (const r of raw.events) {
      const p = payloadOf(r.event);
      if (p) out.set(r.event.id, p);
    }
    const from = Math.min(...targets.map((t) => t.correctedTs));
    const lineIds = [...new Set(targets.map((t) => t.lineId))];
    const later = await storage.listEvents({ lineIds, from, types: ['correction'], orderBy: 'time' });
    const wanted = new Set(targets.map((t) => t.id));
    const corrections = later.events.map((r) => r.event).filter((e): e is Correction => e.type === 'correction' && wanted.has(e.supersedes));
    for (const c of corrections.sort(compareEvents)) out.set(c.supersedes, c.replacement);
    return out;
  };
}
