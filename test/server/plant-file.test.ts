import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FloorboardError, type Plant } from '../../src/core/index.ts';
import { verifySecret } from '../../src/server/auth/secrets.ts';
import { loadPlantFile, parsePlantText } from '../../src/server/plant-file.ts';

const root = new URL('../../', import.meta.url);
const demoPath = new URL('plants/demo.plant.yaml', root).pathname;
let dir: string;
let demo: Plant;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'floorboard-plant-'));
  demo = await loadPlantFile(demoPath);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs `fn` and returns the FloorboardError it throws (fails the test when it does not throw one). */
async function errorOf(fn: () => unknown): Promise<FloorboardError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(FloorboardError);
    return error as FloorboardError;
  }
  throw new Error('expected a FloorboardError');
}

describe('the demo plant', () => {
  it('is realistic: 2 areas, 8 lines with 2-3 stations, 3+ shifts, 8+ products, 6-8 reason categories', () => {
    const lines = demo.areas.flatMap((a) => a.lines);
    expect(demo.areas.length).toBeGreaterThanOrEqual(2);
    expect(lines.length).toBeGreaterThanOrEqual(6);
    for (const line of lines) expect(line.stations.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line.stations.length).toBeLessThanOrEqual(3);
    expect(demo.calendar.shifts.map((s) => s.id)).toEqual(expect.arrayContaining(['early', 'late', 'night']));
    const night = demo.calendar.shifts.find((s) => s.id === 'night')!;
    expect(night.end < night.start).toBe(true); // runs past midnight
    expect(demo.calendar.exceptions.some((e) => e.kind === 'holiday')).toBe(true);
    expect(demo.calendar.exceptions.some((e) => e.kind === 'extra')).toBe(true);
    expect(demo.products.length).toBeGreaterThanOrEqual(8);
    expect(demo.reasons.length).toBeGreaterThanOrEqual(6);
    expect(demo.reasons.length).toBeLessThanOrEqual(8);
  });

  it('labels every reason in German and maps it to a loss, with planned stops and all six losses present', () => {
    const all = demo.reasons.flatMap((r) => [r, ...r.children]);
    for (const r of all) expect(r.labels.de, r.id).toBeTruthy();
    for (const r of demo.reasons) expect(r.children.length, r.id).toBeGreaterThan(0);
    expect(new Set(all.map((r) => r.loss))).toEqual(new Set(['planned', 'breakdown', 'setup', 'minor-stop', 'reduced-speed', 'process-defect', 'reduced-yield']));
  });

  it('has an operator for every station, a lead and a gateway for every line, site and area managers and an admin', () => {
    const stations = demo.areas.flatMap((a) => a.lines.flatMap((l) => l.stations.map((s) => s.id)));
    const lines = demo.areas.flatMap((a) => a.lines.map((l) => l.id));
    const covered = (role: string, key: 'stations' | 'lines') =>
      new Set(demo.users.flatMap((u) => (u.role === role && key in u ? ((u as Record<string, unknown>)[key] as string[]) : [])));
    expect([...covered('operator', 'stations')].sort()).toEqual([...stations].sort());
    expect([...covered('gateway', 'stations')].sort()).toEqual([...stations].sort());
    expect([...covered('lead', 'lines')].sort()).toEqual([...lines].sort());
    for (const line of demo.areas.flatMap((a) => a.lines)) {
      const gateways = demo.users.filter((u) => u.role === 'gateway' && line.stations.some((s) => u.stations.includes(s.id)));
      expect(gateways.length, line.id).toBe(1);
    }
    const managers = demo.users.filter((u) => u.role === 'manager');
    expect(managers.some((m) => m.areas === undefined)).toBe(true);
    expect(managers.some((m) => m.areas?.length === 1)).toBe(true);
    expect(demo.users.some((u) => u.role === 'admin')).toBe(true);
  });

  it('matches docs/demo-credentials.md: every documented secret verifies against its user hash', async () => {
    const doc = await readFile(new URL('docs/demo-credentials.md', root), 'utf8');
    const rows = [...doc.matchAll(/^\| (\w+) \| `([^`]+)` \| [^|]+ \| [^|]+ \| `(?:PIN )?([^`]+)` \|/gm)];
    expect(rows.length).toBe(demo.users.length);
    const byId = new Map(demo.users.map((u) => [u.id, u]));
    const results = await Promise.all(
      rows.map(async ([, role, id, secret]) => {
        const user = byId.get(id!)!;
        expect(user.role).toBe(role);
        const stored = user.role === 'operator' ? user.pinHash : user.passwordHash;
        return [id, await verifySecret(secret!, stored), await verifySecret(`${secret}x`, stored)] as const;
      }),
    );
    for (const [id, isRight, isWrongAccepted] of results) {
      expect(isRight, id).toBe(true);
      expect(isWrongAccepted, id).toBe(false);
    }
  });
});

describe('loadPlantFile', () => {
  it('loads the same plant from JSON as from YAML', async () => {
    const path = join(dir, 'demo.plant.json');
    await writeFile(path, JSON.stringify(demo, null, 2));
    expect(await loadPlantFile(path)).toEqual(demo);
  });

  it('lists every offending path, why, and its line', async () => {
    const bad = structuredClone(demo);
    const [machining, assembly] = bad.areas as [Plant['areas'][number], Plant['areas'][number]];
    bad.site.id = 'Werk Nord';
    machining.lines[1]!.products[0]!.productId = 'nope';
    assembly.lines[0]!.id = machining.lines[0]!.id;
    bad.calendar.shifts[0]!.start = '6:00';
    bad.calendar.timezone = 'Mars/Olympus';
    Reflect.deleteProperty(assembly.lines[2]!, 'stations');
    (bad.users[0] as { stations: string[] }).stations = ['ghost-station'];
    const path = join(dir, 'bad.plant.yaml');
    await writeFile(path, stringify(bad));
    const error = await errorOf(() => loadPlantFile(path));
    expect(error.code).toBe('invalid-plant');
    expect(error.message).toContain(path);
    const details = error.details.join('\n');
    expect(details).toMatch(/^site\.id: must be lower-case.*\(line \d+\)$/m);
    expect(details).toMatch(/^calendar\.shifts\.0\.start: must be a time of day/m);
    expect(details).toMatch(/^areas\.1\.lines\.2\.stations: .*\(line \d+\)$/m);
    expect(error.details).toHaveLength(3);
    // zod runs the cross-reference checks only once the shape is right; fix the shape and they all appear.
    assembly.lines.splice(2, 1);
    bad.site.id = 'werk-nord';
    bad.calendar.shifts[0]!.start = '06:00';
    await writeFile(path, stringify(bad));
    const second = (await errorOf(() => loadPlantFile(path))).details.join('\n');
    expect(second).toMatch(/^areas\.1\.lines\.0\.id: duplicate line id "turn-1" \(also at areas\.0\.lines\.0\.id\)/m);
    expect(second).toMatch(/^calendar\.timezone: unknown IANA time zone "Mars\/Olympus"/m);
    expect(second).toMatch(/^areas\.0\.lines\.1\.products\.0\.productId: unknown product "nope" \(line \d+\)$/m);
    expect(second).toMatch(/^users\.0\.stations\.0: unknown station "ghost-station"/m);
  });

  it('names each bad andon email setting by its path, and a level listed twice', async () => {
    const bad = structuredClone(demo) as unknown as { andon: Record<string, unknown> };
    bad.andon = { ...bad.andon, email: { from: 'andon-at-plant', levels: [{ level: 1, to: [] }, { level: 0, to: ['lead@'] }], smtpPassword: 'in the repo' } };
    const path = join(dir, 'bad-email.plant.yaml');
    await writeFile(path, stringify(bad));
    const details = (await errorOf(() => loadPlantFile(path))).details.join('\n');
    expect(details).toMatch(/^andon\.email\.from: must be an email address, e\.g\. "lead@plant\.example" \(line \d+\)$/m);
    expect(details).toMatch(/^andon\.email\.levels\.0\.to: must name at least one address/m);
    expect(details).toMatch(/^andon\.email\.levels\.1\.level: levels start at 1/m);
    expect(details).toMatch(/^andon\.email\.levels\.1\.to\.0: must be an email address/m);
    // The SMTP password has no place in the plant file.
    expect(details).toMatch(/^andon\.email: .*smtpPassword/m);
    bad.andon.email = { from: 'andon@plant.example', levels: [{ level: 2, to: ['lead@plant.example'] }, { level: 2, to: ['mgr@plant.example'] }] };
    await writeFile(path, stringify(bad));
    expect((await errorOf(() => loadPlantFile(path))).details.join('\n')).toMatch(/^andon\.email\.levels: each level may be listed once/m);
  });

  it('points at the exact line of a bad value in YAML', () => {
    const text = stringify({ ...demo, site: { id: 'Bad Id', name: 'x' } });
    const lineNo = text.split('\n').findIndex((l) => l.includes('Bad Id')) + 1;
    const error = (() => {
      try {
        parsePlantText(text, 'x.yaml');
      } catch (e) {
        return e as FloorboardError;
      }
    })();
    expect(error?.details).toContain(`site.id: must be lower-case letters, digits, "-" or "_" (no spaces, "/", "+", "#" or "$"), starting with a letter or digit (line ${lineNo})`);
  });

  it('answers YAML syntax errors and duplicate keys with their line', async () => {
    const error = await errorOf(() => parsePlantText('schemaVersion: 1\nsite:\n  id: a\n  id: b\nareas: [\n', 'p.yaml'));
    expect(error.code).toBe('invalid-plant');
    expect(error.message).toMatch(/not valid YAML/);
    expect(error.details.some((d) => /^line 4, column \d+: .*[Uu]nique/.test(d))).toBe(true);
  });

  it('refuses JSON that only YAML would accept', async () => {
    const error = await errorOf(() => parsePlantText('{ schemaVersion: 1, }', 'plant.json'));
    expect(error.message).toMatch(/not valid JSON/);
    expect(error.details).toHaveLength(1);
  });

  it('names the file when it cannot be read', async () => {
    const error = await errorOf(() => loadPlantFile(join(dir, 'missing.yaml')));
    expect(error.code).toBe('invalid-plant');
    expect(error.message).toMatch(/missing\.yaml: no such file/);
  });

  it('refuses an empty document and a list with a root-level message', async () => {
    expect((await errorOf(() => parsePlantText('', 'e.yaml'))).details[0]).toMatch(/^\(root\): /);
    expect((await errorOf(() => parsePlantText('- 1\n- 2\n', 'l.yaml'))).details[0]).toMatch(/^\(root\): .*object/);
  });
});
