import { describe, expect, it } from 'vitest';
import { describeIssues, plantSchema, topicIdSchema, type PlantInput } from '../../src/core/index.ts';

const HASH = 'scrypt$1024$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA==';

/** A small valid plant; each test breaks one thing. */
function plant(): PlantInput {
  return {
    schemaVersion: 1,
    site: { id: 'site', name: 'Site' },
    calendar: {
      timezone: 'Europe/Berlin',
      shifts: [{ id: 'early', name: 'Early', days: ['mon'], start: '06:00', end: '14:00', breaks: [{ name: 'Lunch', start: '11:00', end: '11:30' }] }],
    },
    products: [{ id: 'p1', name: 'P1' }],
    areas: [{ id: 'a1', name: 'A1', lines: [{ id: 'l1', name: 'L1', stations: [{ id: 's1', name: 'S1' }], products: [{ productId: 'p1', idealCycleTimeSec: 1 }] }] }],
    reasons: [{ id: 'breakdown', label: 'Breakdown', loss: 'breakdown', children: [{ id: 'tool', label: 'Tool', loss: 'breakdown' }] }],
    users: [{ id: 'op', name: 'Op', role: 'operator', badge: '1', pinHash: HASH, stations: ['s1'] }],
  };
}

const problems = (input: unknown) => {
  const result = plantSchema.safeParse(input);
  return result.success ? [] : describeIssues(result.error);
};

describe('topicIdSchema', () => {
  it.each(['line-1', 'a', 'cnc_2', '0day'])('accepts %s', (id) => expect(topicIdSchema.safeParse(id).success).toBe(true));
  it.each(['', 'Line1', 'line 1', 'a/b', 'a+b', 'a#', '$sys', '-lead', 'x'.repeat(65)])('rejects %j', (id) =>
    expect(topicIdSchema.safeParse(id).success).toBe(false),
  );
});

describe('plantSchema', () => {
  it('accepts a valid plant and fills defaults', () => {
    const parsed = plantSchema.parse(plant());
    const line = parsed.areas[0]!.lines[0]!;
    expect(line.smallStopThresholdSec).toBe(120);
    expect(line.targetOee).toBe(0.85);
    expect(parsed.calendar.exceptions).toEqual([]);
    expect(parsed.reasons[0]!.labels).toEqual({});
  });

  it.each([
    ['a product id with a space', (p: PlantInput) => (p.products[0]!.id = 'p 1'), /^products\.0\.id: must be lower-case/],
    ['a time of day past 23:59', (p: PlantInput) => (p.calendar.shifts[0]!.end = '24:00'), /^calendar\.shifts\.0\.end: must be a time of day/],
    ['a weekday that does not exist', (p: PlantInput) => ((p.calendar.shifts[0]!.days as string[])[0] = 'monday'), /^calendar\.shifts\.0\.days\.0: /],
    ['a non-positive ideal cycle time', (p: PlantInput) => (p.areas[0]!.lines[0]!.products[0]!.idealCycleTimeSec = 0), /idealCycleTimeSec: /],
    ['an unknown loss category', (p: PlantInput) => ((p.reasons[0] as { loss: string }).loss = 'other'), /^reasons\.0\.loss: /],
    ['a line without stations', (p: PlantInput) => (p.areas[0]!.lines[0]!.stations = []), /^areas\.0\.lines\.0\.stations: /],
    ['an unknown product on a line', (p: PlantInput) => (p.areas[0]!.lines[0]!.products[0]!.productId = 'p9'), /productId: unknown product "p9"/],
    ['an unknown time zone', (p: PlantInput) => (p.calendar.timezone = 'Europe/Atlantis'), /^calendar\.timezone: unknown IANA time zone/],
    ['an operator on an unknown station', (p: PlantInput) => ((p.users![0] as { stations: string[] }).stations = ['s9']), /^users\.0\.stations\.0: unknown station "s9"/],
    ['a plaintext PIN', (p: PlantInput) => ((p.users![0] as { pinHash: string }).pinHash = '1234'), /^users\.0\.pinHash: must be a scrypt hash/],
    ['schema version 2', (p: PlantInput) => ((p as { schemaVersion: number }).schemaVersion = 2), /^schemaVersion: /],
  ])('rejects %s with its path', (_name, breakIt, expected) => {
    const p = plant();
    breakIt(p);
    expect(problems(p).join('\n')).toMatch(new RegExp(expected.source, 'm'));
  });

  it('rejects duplicate ids across the plant, naming both places', () => {
    const p = plant();
    p.areas.push({ id: 'a2', name: 'A2', lines: [{ id: 'l1', name: 'L1 again', stations: [{ id: 's1', name: 'S1 again' }], products: [{ productId: 'p1', idealCycleTimeSec: 2 }] }] });
    p.reasons[0]!.children!.push({ id: 'breakdown', label: 'dup', loss: 'breakdown' });
    const found = problems(p);
    expect(found).toContain('areas.1.lines.0.id: duplicate line id "l1" (also at areas.0.lines.0.id)');
    expect(found).toContain('areas.1.lines.0.stations.0.id: duplicate station id "s1" (also at areas.0.lines.0.stations.0.id)');
    expect(found).toContain('reasons.0.children.1.id: duplicate reason id "breakdown" (also at reasons.0.id)');
  });

  it('rejects duplicate operator badges and unknown scopes for leads and managers', () => {
    const p = plant();
    p.users!.push(
      { id: 'op2', name: 'Op 2', role: 'operator', badge: '1', pinHash: HASH, stations: ['s1'] },
      { id: 'lead', name: 'Lead', role: 'lead', passwordHash: HASH, lines: ['l9'] },
      { id: 'mgr', name: 'Mgr', role: 'manager', passwordHash: HASH, areas: ['a9'] },
    );
    const found = problems(p);
    expect(found).toContain('users.1.badge: duplicate badge "1"');
    expect(found).toContain('users.2.lines.0: unknown line "l9"');
    expect(found).toContain('users.3.areas.0: unknown area "a9"');
  });

  it('refuses unknown keys, so a misspelt setting is not silently replaced by its default', () => {
    const p = plant() as unknown as { areas: { lines: Record<string, unknown>[] }[] };
    p.areas[0]!.lines[0]!['smallStopTresholdSec'] = 60;
    expect(problems(p).join('\n')).toMatch(/^areas\.0\.lines\.0: Unrecognized key: "smallStopTresholdSec"/m);
  });

  it('refuses a third level in the reason tree', () => {
    const p = plant() as unknown as { reasons: { children: Record<string, unknown>[] }[] };
    p.reasons[0]!.children[0]!['children'] = [{ id: 'deep', label: 'Deep', loss: 'breakdown' }];
    expect(problems(p).join('\n')).toMatch(/^reasons\.0\.children\.0: Unrecognized key: "children"/m);
  });

  it('keeps the reason tree short: more than 12 top-level categories is refused', () => {
    const p = plant();
    p.reasons = Array.from({ length: 13 }, (_, i) => ({ id: `r${i}`, label: `R${i}`, loss: 'breakdown' as const }));
    expect(problems(p).join('\n')).toMatch(/^reasons: has 13 top-level categories/m);
  });

  it('accepts holidays and extra shifts, and refuses a malformed date', () => {
    const p = plant();
    p.calendar.exceptions = [
      { kind: 'holiday', date: '2026-12-25', name: 'Xmas' },
      { kind: 'extra', date: '2026-11-28', name: 'Extra', shift: { id: 'extra', name: 'Extra', start: '08:00', end: '12:00' } },
    ];
    expect(problems(p)).toEqual([]);
    p.calendar.exceptions[0] = { kind: 'holiday', date: '25.12.2026', name: 'Xmas' };
    expect(problems(p).join('\n')).toMatch(/^calendar\.exceptions\.0\.date: must be a date "YYYY-MM-DD"/m);
  });
});
