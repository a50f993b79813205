import type { CorrectablePayload, FloorEvent } from '../../core/index.ts';
import { compareEvents } from '../../core/oee/normalize.ts';
import { payloadOf } from '../../core/oee-stops/audit-trail.ts';
import type { EventOrigin, Storage } from '../storage/storage.ts';

type Correction = Extract<FloorEvent, { type: 'correction' }>;

/** What this service has read of one line's corrections. */
interface LineCorrections {
  /** Every correction of the line with corrected time from here on has been read. */
  from: number;
  /** The highest storage sequence read in that range: later reads ask only for what came after. */
  seq: number;
  /** The newest correction of each target, in event order. */
  newest: Map<string, Correction>;
}

/**
 * What each stored target says now: its newest stored correction's replacement, else its own
 * payload. The targets are read by id; the corrections of their lines are kept per line, read once
 * from the oldest target's corrected time on and then only what was stored since (by storage
 * sequence), so a lead's corrections in one batch after another do not read their line's
 * corrections again each time. A target older than what is kept widens the range once. Reading
 * by storage sequence, not remembering what this service wrote, keeps it right when another
 * service writes into the same database.
 */
export function currentPayloads(storage: Pick<Storage, 'listEvents'>) {
  const lines = new Map<string, LineCorrections>();

  function keep(line: LineCorrections, events: readonly { event: FloorEvent }[]): void {
    for (const { event: e } of events) {
      if (e.type !== 'correction') continue;
      const known = line.newest.get(e.supersedes);
      if (!known || compareEvents(known, e) < 0) line.newest.set(e.supersedes, e);
    }
  }

  async function corrections(lineId: string, from: number): Promise<LineCorrections> {
    const query = { lineIds: [lineId], types: ['correction'] };
    let line = lines.get(lineId);
    if (!line) {
      const page = await storage.listEvents({ ...query, from });
      line = { from, seq: page.lastSeq ?? 0, newest: new Map() };
      keep(line, page.events);
      lines.set(lineId, line);
      return line;
    }
    // What was stored since the last read, then (before the range moves) what lies before it.
    const since = await storage.listEvents({ ...query, from: line.from, afterSeq: line.seq });
    keep(line, since.events);
    line.seq = Math.max(line.seq, since.lastSeq ?? 0);
    if (from < line.from) {
      const before = await storage.listEvents({ ...query, from, to: line.from });
      keep(line, before.events);
      line.from = from;
    }
    return line;
  }

  return async (targets: readonly EventOrigin[]): Promise<Map<string, CorrectablePayload>> => {
    const out = new Map<string, CorrectablePayload>();
    if (targets.length === 0) return out;
    const raw = await storage.listEvents({ ids: targets.map((t) => t.id) });
    for (const r of raw.events) {
      const p = payloadOf(r.event);
      if (p) out.set(r.event.id, p);
    }
    const oldest = new Map<string, number>();
    for (const t of targets) oldest.set(t.lineId, Math.min(t.correctedTs, oldest.get(t.lineId) ?? Infinity));
    for (const [lineId, from] of oldest) {
      const line = await corrections(lineId, from);
      for (const t of targets) {
        const c = t.lineId === lineId ? line.newest.get(t.id) : undefined;
        if (c) out.set(t.id, c.replacement);
      }
    }
    return out;
  };
}
