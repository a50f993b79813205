import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShiftReport } from '../../../src/core/report/shift-report.ts';
import { pdfText } from '../../helpers/pdf-text.ts';
import { loginAll, nextMessage, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';
import { storedReportsSchema } from '../../../src/core/contracts/reports.ts';

type Entry = { lineId: string; shiftStart: number; shiftEnd: number; madeAt: number };

describe('stored shift reports: made at start for shifts ended while down, scoped like history', () => {
  let h: Harness;
  const auth: Record<string, { authorization: string }> = {};
  const tokens: Record<string, string> = {};
  const get = (path: string, who: string) => h.http(path, { headers: auth[who] });
  const to = Date.now();
  const from = to - 86_400_000;
  let entry: Entry;

  beforeAll(async () => {
    h = await startHarness();
    const signedIn = await loginAll(h, {
      opB: fixtureLogin('op-b', 'tab-rb'),
      lead: fixtureLogin('lead-a', 'lead-r'),
      mgr: fixtureLogin('mgr', 'mgr-r'),
      pack: fixtureLogin('mgr-pack', 'pack-r'),
    });
    Object.assign(auth, signedIn.auth);
    Object.assign(tokens, signedIn.tokens);
    // The service reports, at start, every shift that ended in the last day (none was reported: it was "down").
    for (let i = 0; i < 100; i++) {
      const res = await get(`/api/shift-reports?from=${from}&to=${to}&line=line-a`, 'lead');
      const { reports } = storedReportsSchema.parse(await res.json());
      if (reports.length >= 2) {
        entry = reports.at(-1)!;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(entry).toBeDefined();
  });
  afterAll(async () => h?.close());

  it('lets the lead of the line, and managers of its area, read the stored report; not other lines\' operators or managers', async () => {
    const q = `line=line-a&from=${entry.shiftStart}&to=${entry.shiftEnd}&stored=1`;
    const res = await get(`/api/shift-report?${q}`, 'lead');
    expect(res.status).toBe(200);
    const model = (await res.json()) as ShiftReport;
    expect(model).toMatchObject({ lineId: 'line-a', start: entry.shiftStart, madeAt: entry.madeAt });
    expect((await get(`/api/shift-report?${q}`, 'mgr')).status).toBe(200);
    for (const who of ['opB', 'pack']) {
      expect((await get(`/api/shift-report?${q}`, who)).status, who).toBe(403);
      expect((await get(`/api/shift-report.pdf?${q}`, who)).status, who).toBe(403);
      expect((await get(`/api/shift-reports?from=${from}&to=${to}&line=line-a`, who)).status, who).toBe(403);
    }
    // No line named: the list holds only the lines the reader sees.
    const mine = (await (await get(`/api/shift-reports?from=${from}&to=${to}`, 'opB')).json()) as { reports: Entry[] };
    expect(new Set(mine.reports.map((r) => r.lineId))).toEqual(new Set(['line-b']));
    expect((await get(`/api/shift-report?line=line-a&from=1000&to=2000&stored=1`, 'lead')).status).toBe(404);
  });

  it('serves the stored report as a PDF in the reader\'s language', async () => {
    const res = await get(`/api/shift-report.pdf?line=line-a&from=${entry.shiftStart}&to=${entry.shiftEnd}&stored=1&lang=de`, 'lead');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const { pages } = await pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(pages).toHaveLength(1);
    expect(pages[0]).toContain('Schichtbericht: Line A');
    expect(pages[0]).toContain('Verfügbarkeit');
    const en = await get(`/api/shift-report.pdf?line=line-a&from=${entry.shiftStart}&to=${entry.shiftEnd}&stored=1&lang=en`, 'lead');
    expect((await pdfText(new Uint8Array(await en.arrayBuffer()))).pages[0]).toContain('Shift report: Line A');
    expect((await get(`/api/shift-report.pdf?line=line-a&from=${entry.shiftStart}&to=${entry.shiftEnd}&lang=fr`, 'lead')).status).toBe(400);
  });

  it('announces the report retained on the line\'s report topic, to readers of that line only', async () => {
    const lead = await h.connect('lead-a', tokens.lead!, 'lead-r');
    const topic = `floorboard/v1/${SITE}/assembly/line-a/report`;
    const message = nextMessage<{ lineId: string; shiftStart: number }>(lead, topic);
    expect(await subscribe(lead, topic)).toBe(1);
    expect((await message).lineId).toBe('line-a');
    expect(await subscribe(lead, `floorboard/v1/${SITE}/assembly/line-b/report`)).toBe(128);
    const opB = await h.connect('op-b', tokens.opB!, 'tab-rb');
    expect(await subscribe(opB, topic)).toBe(128);
    expect(await subscribe(opB, `floorboard/v1/${SITE}/assembly/line-b/report`)).toBe(1);
  });
});
