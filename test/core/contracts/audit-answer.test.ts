import { describe, expect, it } from 'vitest';
import { auditListSchema, auditSchema, readAuditEntries, type AuditWire } from '../../../src/core/contracts/history.ts';

const STOP = '01J00000000000000000000ABC';
const entry = (id: string, kind: string, ts: number) => ({
  id,
  kind,
  lineId: 'line-a',
  stationId: 'a1',
  stop: { start: ts - 60_000, durationMs: 60_000, stationId: 'a1', isOpen: false },
  author: 'lead-a',
  authorName: 'Lead A',
  ts,
  target: STOP,
  before: null,
  targetTs: null,
  after: { type: 'stop.classify', stopId: STOP, reasonId: 'jam' },
  reason: 'wrong reason',
  isVoided: false,
});

describe("the dashboards' reading of GET /api/audit", () => {
  const known: AuditWire['entries'][number] = entry('e1', 'classify', 2000) as AuditWire['entries'][number];

  it('keeps the entries it can read and counts the one of a kind a newer service added, instead of losing the list', () => {
    const body = { entries: [known, entry('e2', 'merge', 3000), entry('e3', 'correction', 4000)] };
    // The strict wire schema (what the service must send) refuses the whole answer ...
    expect(auditSchema.safeParse(body).success).toBe(false);
    // ... the dashboards' reading leaves out the unknown entry only.
    const read = readAuditEntries(auditListSchema.parse(body));
    expect(read.entries.map((e) => e.id)).toEqual(['e1', 'e3']);
    expect(read.unreadable).toBe(1);
  });

  it('reads a list of known kinds whole, with nothing left out', () => {
    const read = readAuditEntries(auditListSchema.parse({ entries: [known] }));
    expect(read).toMatchObject({ entries: [{ id: 'e1', kind: 'classify' }], unreadable: 0 });
  });

  it('still refuses an answer that is no list at all', () => {
    expect(auditListSchema.safeParse({ entries: 'x' }).success).toBe(false);
  });
});
