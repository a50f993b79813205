import { test, expect, type Browser, type BrowserContext } from '@playwright/test';
import type { FloorEvent } from '../../src/core/events.schema.ts';
import { id } from '../core/oee/fixtures.ts';
import type { DashboardPage } from './dashboard-pages.ts';
import { lastEndedShift, leadLineView as lineView, shiftMaker } from './support/past-shift.ts';
import { TestService } from './support/test-service.ts';

let svc: TestService;
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await svc?.dispose();
});

/** Line A's last ended shift: counts every hour, a long breakdown, a one-minute stop classified "Jam" and one nobody classified. */
function shiftEvents(start: number): FloorEvent[] {
  const { ev, stop } = shiftMaker(start);
  return [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((h) => ev(h * 60 - 5, { type: 'count', productId: 'widget', good: 400 + h * 30, reject: 3 })),
    ...stop(20, 97, 1, 'breakdown'),
    ...stop(300, 301, 2, 'jam'),
    ...stop(350, 351, 3),
  ];
}

/** Line A's last ended shift (the events above), in its lead's line view, 1280 px wide. */
async function leadLineView(browser: Browser): Promise<{ d: DashboardPage; shift: { start: number; end: number } }> {
  const shift = lastEndedShift();
  svc = await TestService.start();
  await svc.storeHistory(shiftEvents(shift.start));
  const d = await lineView(browser, contexts, svc.url, shift, 1200);
  await expect(d.page.locator('tr[data-stop]')).toHaveCount(3, { timeout: 15_000 });
  return { d, shift };
}

test('the stop list\'s reason filter offers every reason a stop can carry (as the correction does), by category', async ({ browser }) => {
  const { d } = await leadLineView(browser);
  const page = d.page;
  const filter = page.getByTestId('filter-reason');
  await expect(filter.locator('option[value="scrap-dim"]')).toHaveCount(1);
  await expect(filter.locator('optgroup[label="Breakdown"] option')).toHaveText(['Breakdown (all)', 'Breakdown › Jam']);
  await expect(filter.locator('optgroup[label="Dimension"] option[value="scrap-dim"]')).toHaveText('Dimension');
  await filter.selectOption('jam');
  await expect(page.locator('tr[data-stop]')).toHaveCount(1);
  await expect(page.locator('tr[data-stop]')).toHaveAttribute('data-reason', 'jam');
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(filter.locator('option[value="breakdown"]')).toHaveText(/\(alle\)$/);
});

test('a short stop\'s band on the timeline names its reason; one without a reason is named by its state', async ({ browser }) => {
  const { d } = await leadLineView(browser);
  const timeline = d.page.getByTestId('timeline');
  await expect(timeline.locator(`rect[data-stop="${id(9002)}"]`)).toHaveAttribute('aria-label', /^[^:]+: Jam \d/);
  await expect(timeline.locator(`rect[data-stop="${id(9002)}"] title`)).toHaveText(/^[^:]+: Jam \d/);
  await expect(timeline.locator(`rect[data-stop="${id(9003)}"]`)).toHaveAttribute('aria-label', /^[^:]+ \d{1,2}:\d\d/);
});

test('the line view\'s headline OEE reads as the shift report of the same shift writes it (one decimal)', async ({ browser }) => {
  const { d, shift } = await leadLineView(browser);
  const page = d.page;
  const plain = (t: string | null) => (t ?? '').replace(/\s/g, ' ').trim();
  const lineOee = plain(await page.getByTestId('kpi-oee').locator('.value').textContent());
  expect(lineOee).toMatch(/^\d+\.\d+ ?%$/);
  await d.open(svc.url, `#/report/line-a?from=${shift.start}&to=${shift.end}`);
  await expect(page.getByTestId('report-oee')).toBeVisible({ timeout: 15_000 });
  expect(plain(await page.getByTestId('report-oee').textContent())).toBe(lineOee);
});

test('a window with no stop says so: the stop time alone (no "=" with nothing after it), and the reasons table names why it is empty (en, de)', async ({ browser }) => {
  const shift = lastEndedShift();
  svc = await TestService.start();
  const { ev } = shiftMaker(shift.start);
  await svc.storeHistory([1, 2, 3, 4, 5, 6, 7, 8].map((h) => ev(h * 60 - 5, { type: 'count', productId: 'widget', good: 400, reject: 0 })));
  const d = await lineView(browser, contexts, svc.url, shift, 1200);
  const page = d.page;
  await expect(page.getByTestId('timeline-stop-time')).toHaveText('Stop time, as in the shift report: 0 sec', { timeout: 15_000 });
  await expect(page.getByTestId('pareto-reason-empty')).toHaveText('No stops in this window.');
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(page.getByTestId('timeline-stop-time')).toHaveText('Stillstandszeit wie im Schichtbericht: 0 Sek.');
  await expect(page.getByTestId('pareto-reason-empty')).toHaveText('Keine Stopps in diesem Zeitraum.');
});
