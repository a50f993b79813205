import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FloorEvent, OeeReport } from '../../../src/core/index.ts';
import { cliIn } from '../../cli/run-cli.ts';
import { hashSecret } from '../../../src/server/auth/secrets.ts';
import { FIXTURE_PLANT, startHarness, type Harness, fixtureLogin } from '../support/service-harness.ts';

/**
 * Service -> export -> CLI: a paper log is published by `floorboard import` as the import user,
 * a lead exports the events with `floorboard export`, and `floorboard oee` over them gives the
 * figures `/api/oee` gives. Real service on free ports, real broker, real SQLite.
 */
const DAY = 86_400_000;
// Yesterday (UTC, the fixture plant's zone): within ingest's 31-day age limit.
const day = new Date(Math.floor(Date.now() / DAY) * DAY - DAY);
const iso = (d: Date) => d.toISOString().slice(0, 10);
const D = iso(day);
const [PREV, NEXT, AFTER] = [iso(new Date(day.getTime() - DAY)), iso(new Date(day.getTime() + DAY)), iso(new Date(day.getTime() + 2 * DAY))];

let h: Harness;
let dir: string;
let plantFile: string;
const cli = cliIn(() => dir);

beforeAll(async () => {
  // The fixture plant plus an importer for line-a and line-b only: it writes, and reads nothing.
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { users: unknown[] };
  plant.users.push({ id: 'import', name: 'Import', role: 'importer', passwordHash: await hashSecret('import-pass'), lines: ['line-a', 'line-b'] });
  dir = await mkdtemp(join(tmpdir(), 'floorboard-roundtrip-'));
  plantFile = join(dir, 'plant.json');
  await writeFile(plantFile, JSON.stringify(plant));
  h = await startHarness({ plantFile });
  await writeFile(join(dir, 'import.pw'), 'import-pass\n');
  await writeFile(join(dir, 'lead.pw'), 'lead-pass\n');
  await writeFile(
    join(dir, 'stops.csv'),
    [
      'Date,Start,End,Line,Station,Reason,Note',
      `${D},07:00,07:47,Line A,a1,breakdown,jam in the feeder`,
      `${D},09:00,09:20,line-a,a2,,`,
      `${D},15:10,15:30,line-a,a1,setup,`,
      `${D},08:00,08:30,line-b,b1,breakdown,`,
    ].join('\n'),
  );
  await writeFile(join(dir, 'counts.csv'), ['Date,Shift,Line,Product,Good,Reject', `${D},early,line-a,widget,2000,40`, `${D},late,line-a,gadget,900,10`, `${D},early,line-b,widget,1500,0`].join('\n'));
}, 30_000);
afterAll(async () => h?.close());

const url = () => `http://127.0.0.1:${h.service.httpPort}`;

describe('round trip: import -> service -> export -> CLI', () => {
  it('publishes an imported log as the import user; importing it again changes nothing', async () => {
    for (const [file, kind] of [['stops.csv', 'stops'], ['counts.csv', 'counts']]) {
      const first = await cli('import', '--plant', plantFile, '--file', file!, '--kind', kind!, '--user', 'import', '--publish', url(), '--password-file', 'import.pw');
      expect(first.stderr).toMatch(/service: \d+ accepted \(stored now or before\), 0 refused/);
      expect(first.code).toBe(0);
    }
    const before = await exportAll('lead-a', 'lead.pw');
    const again = await cli('import', '--plant', plantFile, '--file', 'stops.csv', '--kind', 'stops', '--user', 'import', '--publish', url(), '--password-file', 'import.pw');
    expect(again.code).toBe(0);
    expect(await exportAll('lead-a', 'lead.pw')).toEqual(before);
    // Authored by the import user, with a note per line saying what was imported.
    const events = before.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FloorEvent);
    expect(new Set(events.map((e) => e.author))).toEqual(new Set(['import']));
    expect(events.filter((e) => e.type === 'note' && e.text.startsWith('Imported from stops.csv by floorboard import (user import)'))).toHaveLength(1);
  });

  it('refuses to publish for a line the import user may not write (least privilege)', async () => {
    await writeFile(join(dir, 'packing.csv'), ['Date,Start,End,Line,Reason', `${D},07:00,07:10,line-c,breakdown`].join('\n'));
    const r = await cli('import', '--plant', plantFile, '--file', 'packing.csv', '--kind', 'stops', '--user', 'import', '--publish', url(), '--password-file', 'import.pw');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the broker closed the connection: it refused a publish');
  });

  it('lets the importer read nothing: no history, no plant model, no export (least privilege)', async () => {
    const { token } = await h.login(fixtureLogin('import', 'import-reader'));
    const auth = { headers: { authorization: `Bearer ${token}` } };
    for (const path of [`/api/oee?from=${D}&to=${NEXT}`, `/api/events?from=${PREV}&to=${AFTER}`, '/api/plant']) {
      const res = await h.http(path, auth);
      expect(res.status, path).toBe(403);
      expect(await res.text(), path).toContain('an importer may only publish imported logs');
    }
  });

  it.each([
    ['by=shift', 'shift'],
    ['by=window', 'window'],
    ['by=hour', 'hour'],
  ])('gives the figures of /api/oee?%s from the exported events', async (_q, by) => {
    const file = `export-${by}.ndjson`;
    const exported = await cli('export', '--url', url(), '--user', 'lead-a', '--password-file', 'lead.pw', '--from', PREV, '--to', AFTER, '--out', file);
    expect(exported.code).toBe(0);
    const { token } = await h.login(fixtureLogin('lead-a', 'export-lead-a'));
    const api = (await (await h.http(`/api/oee?from=${D}&to=${NEXT}&by=${by}`, { headers: { authorization: `Bearer ${token}` } })).json()) as OeeReport;
    const asOf = new Date(api.query.now).toISOString();
    const local = await cli('oee', '--plant', plantFile, '--events', file, '--from', D, '--to', NEXT, '--by', by, '--line', 'line-a', '--as-of', asOf, '--format', 'json');
    expect(local.code).toBe(0);
    const report = JSON.parse(local.stdout) as OeeReport;
    expect(report.query).toEqual({ ...api.query, lineIds: ['line-a'] });
    expect(report.lines).toEqual(api.lines);
    expect(report.lines[0]!.total).toMatchObject({ stopCount: 3, good: 2900, reject: 50 });
    expect(report.lines[0]!.total.topReasons[0]).toMatchObject({ reasonId: 'breakdown', durationMs: 47 * 60_000 });
  });

  it('pages GET /api/events with a cursor and scopes it to the reader', async () => {
    const { token } = await h.login(fixtureLogin('lead-a', 'export-lead-a'));
    const get = (q: string) => h.http(`/api/events?from=${PREV}&to=${AFTER}${q}`, { headers: { authorization: `Bearer ${token}` } });
    const all = await (await get('')).text();
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.headers.get('content-type')).toContain('application/x-ndjson');
      pages.push(await res.text());
      cursor = res.headers.get('x-next-cursor');
    } while (cursor);
    expect(pages.length).toBeGreaterThan(2);
    expect(pages.join('')).toBe(all);
    // lead-a reads line-a only: line-b's imported stop and count are not exported to it.
    expect(new Set(all.trim().split('\n').map((l) => (JSON.parse(l) as FloorEvent).lineId))).toEqual(new Set(['line-a']));
    expect((await get('&line=line-b')).status).toBe(403);
    expect((await get('&cursor=abc')).status).toBe(400);
    expect((await h.http(`/api/events?from=${PREV}&to=${AFTER}`)).status).toBe(401);
  });
});

async function exportAll(user: string, pw: string): Promise<string> {
  const r = await cli('export', '--url', url(), '--user', user, '--password-file', pw, '--from', PREV, '--to', AFTER);
  expect(r.code).toBe(0);
  return r.stdout;
}
