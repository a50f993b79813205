import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import AxeBuilder from '@axe-core/playwright';
import Database from 'better-sqlite3';
import { test, expect, type Browser, type BrowserContext } from '@playwright/test';
import { shiftInstances } from '../../src/core/oee/calendar.ts';
import type { FloorEvent } from '../../src/core/events.schema.ts';
import { plantSchema } from '../../src/core/plant.schema.ts';
import { openSqliteStorage } from '../../src/server/storage/sqlite-storage.ts';
import { EventMaker, MIN } from '../core/oee/fixtures.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { FIXTURE_PLANT, TestService } from './support/test-service.ts';
import { readFileSync } from 'node:fs';

const run = promisify(execFile);
const OUT = 'test-results/shift-report';
let svc: TestService;
const contexts: BrowserContext[] = [];

/** Line A's last ended shift, full of what a report tells: stops, scrap, a changeover, a note, a handover read by the next shift, a correction. */
function shiftOfLineA(start: number): FloorEvent[] {
  const m = new EventMaker();
  const at = { lineId: 'line-a', stationId: 'a1', deviceId: 'tab-e2e-a1' };
  const as = <T extends FloorEvent>(e: T, author: string) => ({ ...e, author }) as T;
  const ev = (min: number, p: Parameters<EventMaker['ev']>[1], author = 'op-a') => as(m.ev(start + min * MIN, p, at), author);
  const jam = ev(62, { type: 'stop.start', stopId: '01JCZ0000000000000000JAM01', reasonId: 'jam' });
  const other = ev(200, { type: 'stop.start', stopId: '01JCZ0000000000000000STP02' });
  const classify = ev(216, { type: 'stop.classify', stopId: '01JCZ0000000000000000STP02', reasonId: 'jam' });
  const handover = ev(470, { type: 'handover', scope: 'station', topics: ['material', 'quality'], text: 'Coil for widgets nearly empty; check burrs on A1' });
  return [
    jam,
    ev(90, { type: 'stop.end', stopId: '01JCZ0000000000000000JAM01' }),
    ev(30, { type: 'count', productId: 'widget', good: 4000, reject: 0 }),
    ev(120, { type: 'count', productId: 'widget', good: 1500, reject: 12, scrapReasonId: 'scrap-dim' }),
    ev(130, { type: 'scrap', productId: 'widget', quantity: 5, reasonId: 'scrap-dim' }),
    other,
    ev(215, { type: 'stop.end', stopId: '01JCZ0000000000000000STP02' }),
    classify,
    ev(222, { type: 'correction', supersedes: classify.id, reason: 'tool change, not a jam', replacement: { type: 'stop.classify', stopId: '01JCZ0000000000000000STP02', reasonId: 'setup' } }, 'lead-a'),
    ev(300, { type: 'changeover.start', toProductId: 'gadget' }),
    ev(325, { type: 'changeover.end', productId: 'gadget' }),
    ev(400, { type: 'count', productId: 'gadget', good: 1800, reject: 0 }),
    ev(410, { type: 'note', text: 'Guard door on A1 sticks' }),
    handover,
    ev(485, { type: 'handover.ack', handoverId: handover.id }, 'op-b'),
  ];
}

test.beforeAll(async () => {
  await mkdir(OUT, { recursive: true });
});
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await svc?.dispose();
});

async function lead(browser: Browser, hash: string): Promise<DashboardPage> {
  const c = await browser.newContext({ viewport: { width: 1280, height: 1000 }, serviceWorkers: 'block' });
  contexts.push(c);
  const d = new DashboardPage(await c.newPage());
  d.page.on('pageerror', (e) => console.log('page error:', e.message));
  await d.open(svc.url, hash);
  await d.signIn('lead-a', 'lead-pass');
  return d;
}

/**
 * Line A's last ended shift, stored while the service was down over its end (the service makes
 * its report when it is back), opened as a lead from the shift picker's link to the stored report.
 */
async function storedReportOf(browser: Browser, eventsOf: (start: number) => FloorEvent[]): Promise<{ d: DashboardPage; shift: { start: number; end: number } }> {
  const plant = plantSchema.parse(JSON.parse(readFileSync(FIXTURE_PLANT, 'utf8')));
  const shift = shiftInstances(plant.calendar, Date.now() - 86_400_000, Date.now()).filter((s) => s.end <= Date.now() - 10 * MIN).at(-1)!;
  svc = await TestService.start();
  await svc.down();
  const file = join(svc.dataDir, 'floorboard.db');
  const db = new Database(file);
  db.exec('DELETE FROM shift_reports');
  db.close();
  const storage = openSqliteStorage(file);
  await storage.insertEvents(eventsOf(shift.start).map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
  await storage.close();
  await svc.up();
  await expect.poll(async () => (await svc.service!.storage.getShiftReport('line-a', shift.start)) !== null, { timeout: 15_000 }).toBe(true);
  const d = await lead(browser, `#/line/line-a?from=${shift.start}&to=${shift.end}`);
  const link = d.page.getByTestId('stored-report');
  await expect(link).toContainText('Report as made at');
  await d.page.screenshot({ path: `${OUT}/line-view-stored-link.png` });
  await link.click();
  await expect(d.page.getByTestId('report-made')).toContainText('Stored report, as made at the end of the shift · Made');
  return { d, shift };
}

/** Pages of a PDF (its page objects). */
const pageCount = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

test('the shift report made at the shift end while the service was down: page, print, PDF in en and de, and the link from the shift picker', async ({ browser }) => {
  // The service ran, then was down over the shift's end; the shift's entries were stored meanwhile.
  // From the lead's shift picker: the past shift links to its report as made.
  const { d, shift } = await storedReportOf(browser, shiftOfLineA);
  const page = d.page;
  await expect(page.getByTestId('report-oee')).toHaveText(/^\d+\.\d%$/);
  await expect(page.getByTestId('report-reject')).toHaveText('17');
  await expect(page.getByTestId('report-good')).toHaveText('7,295');
  await expect(page.locator('[data-testid="report-scrap"] tr[data-key="scrap-dim"]')).toContainText('17');
  await expect(page.getByTestId('report-stops')).toContainText('Jam');
  await expect(page.getByTestId('report-stops')).toContainText('Setup');
  await expect(page.getByTestId('report-changeovers')).toContainText('Gadget');
  await expect(page.getByTestId('report-notes')).toContainText('Guard door on A1 sticks');
  await expect(page.getByTestId('report-handovers')).toContainText('Otto B');
  await expect(page.getByTestId('report-corrections')).toContainText('Jam → Setup');
  await expect(page.getByTestId('report-coverage')).toHaveText(/%$/);
  await page.screenshot({ path: `${OUT}/report-en.png`, fullPage: true });
  const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // Print: no navigation, dark headings on white, one A4 page.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.locator('header.top')).toBeHidden();
  const h2 = await page.locator('h2').first().evaluate((e) => getComputedStyle(e).color);
  expect(h2).toBe('rgb(0, 0, 0)');
  await page.screenshot({ path: `${OUT}/report-print-en.png`, fullPage: true });
  const printed = await page.pdf({ format: 'A4', printBackground: true });
  await writeFile(`${OUT}/report-print-en.pdf`, printed);
  expect(pageCount(printed)).toBe(1);
  await page.emulateMedia({ media: 'screen' });

  // German: Intl numbers and the app's catalog.
  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Schichtbericht: Line A');
  await expect(page.getByTestId('report-good')).toHaveText('7.295');
  await expect(page.getByTestId('report-oee')).toHaveText(/^\d+,\d\s%$/);
  await page.screenshot({ path: `${OUT}/report-de.png`, fullPage: true });
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: `${OUT}/report-print-de.png`, fullPage: true });
  await page.emulateMedia({ media: 'screen' });

  // The PDF the service makes, in both languages, rendered to PNG to look at.
  const token = await d.token();
  for (const lang of ['en', 'de']) {
    const res = await fetch(`${svc.url}/api/shift-report.pdf?line=line-a&from=${shift.start}&to=${shift.end}&stored=1&lang=${lang}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await writeFile(`${OUT}/report-${lang}.pdf`, Buffer.from(await res.arrayBuffer()));
    await run('pdftoppm', ['-png', '-r', '80', `${OUT}/report-${lang}.pdf`, `${OUT}/report-pdf-${lang}`]).catch((e: unknown) => console.log('pdftoppm not available:', String(e)));
  }
});

/** A normal shift's worth of a line: the shift above with a dozen more stops, scrap, notes and a second changeover. */
function normalShiftOfLineA(start: number): FloorEvent[] {
  const m = new EventMaker();
  const at = { lineId: 'line-a', stationId: 'a1', deviceId: 'tab-e2e-a1-2' };
  let n = 0;
  // Ids of their own: the shift above's maker counts from the same start.
  const ev = (min: number, p: Parameters<EventMaker['ev']>[1]) => ({ ...m.ev(start + min * MIN, p, { ...at, id: `01JD0${String(++n).padStart(21, '0')}` }), author: 'op-a' }) as FloorEvent;
  const more: FloorEvent[] = [];
  const reasons = ['jam', 'breakdown', 'setup'];
  for (let k = 0; k < 12; k++) {
    const from = 20 + k * 35 + (k > 7 ? 10 : 0);
    if (from >= 300 && from < 330) continue;
    const stopId = `01JCZ00000000000000000S${String(k).padStart(3, '0')}`;
    more.push(ev(from, { type: 'stop.start', stopId, reasonId: reasons[k % 3]! }), ev(from + 2 + (k % 5), { type: 'stop.end', stopId }));
  }
  more.push(
    ev(240, { type: 'scrap', productId: 'widget', quantity: 8, reasonId: 'scrap-dim' }),
    ev(340, { type: 'note', text: 'Coil changed, material from lot 4711' }),
    ev(445, { type: 'note', text: 'Sensor B2 cleaned after false stops' }),
    ev(430, { type: 'changeover.start', toProductId: 'widget' }),
    ev(442, { type: 'changeover.end', productId: 'widget' }),
  );
  return [...shiftOfLineA(start), ...more];
}

test("a normal shift's report prints on one A4 page in the browser, as the service's PDF of it does", async ({ browser }) => {
  const { d, shift } = await storedReportOf(browser, normalShiftOfLineA);
  const page = d.page;
  const res = await fetch(`${svc.url}/api/shift-report.pdf?line=line-a&from=${shift.start}&to=${shift.end}&stored=1&lang=en`, { headers: { authorization: `Bearer ${await d.token()}` } });
  expect(pageCount(Buffer.from(await res.arrayBuffer()))).toBe(1);
  for (const lang of ['en', 'de'] as const) {
    if (lang === 'de') await page.getByLabel('Language').selectOption('de');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(lang === 'de' ? 'Schichtbericht: Line A' : 'Shift report: Line A');
    await expect(page.locator('[data-testid="report-stops"] tbody tr')).toHaveCount(13);
    // As the browser's print dialog makes it: the page size and margins the report's print style asks for.
    const printed = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    await writeFile(`${OUT}/report-print-normal-${lang}.pdf`, printed);
    expect(pageCount(printed)).toBe(1);
    expect(pageCount(await page.pdf({ format: 'A4' }))).toBe(1);
  }
});
