import { test, expect } from './support/tablet-test.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from '@playwright/test';
import { FIXTURE_PLANT, type TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

/** The fixture plant with the demo plant's "Welle SH-16" (a hyphen) and a breakdown reason in two languages. */
async function withWalkPlant(svc: TestService): Promise<void> {
  type Reason = { id: string; label: string; labels?: Record<string, string>; loss?: string; children?: Reason[] };
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { products: { id: string; name: string }[]; reasons: Reason[] };
  plant.products.find((p) => p.id === 'widget')!.name = 'Welle SH-16';
  plant.reasons.find((r) => r.id === 'breakdown')!.children!.push({ id: 'mech-failure', label: 'Mechanical failure', labels: { de: 'Mechanischer Defekt' }, loss: 'breakdown' });
  const file = join(svc.dataDir, 'walk.plant.json');
  await writeFile(file, JSON.stringify(plant));
  await svc.down();
  await svc.up(file);
}

/** How many lines the text from `text` to its node's end takes on screen (its line boxes' distinct tops). */
const lines = (el: Locator, text: string) =>
  el.evaluate((node, t) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const at = n.textContent!.indexOf(t);
      if (at < 0) continue;
      const range = document.createRange();
      range.setStart(n, at);
      range.setEnd(n, n.textContent!.length);
      return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
    }
    return -1;
  }, text);

test('UX walk: the state card shows the open stop\'s reason in the tablet language, one word for stopped, hours on the clock (portrait)', async ({ context, svc }) => {
  await withWalkPlant(svc);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const state = tablet.page.getByTestId('station-state');
  // Portrait: the product's code never breaks at its hyphen, and "4 of 14" stays on one line.
  const product = state.getByTestId('product');
  await expect(product).toHaveText(/^Welle SH.16$/);
  expect(await lines(product, 'SH')).toBe(1);
  const produced = tablet.page.getByTestId('produced');
  await expect(produced).toBeVisible();
  expect(await produced.evaluate((el) => el.textContent)).toMatch(/[\d–]\u00a0of\u00a0[\d–]/);

  await tablet.stopWithReason('Breakdown', 'Mechanical failure');
  await expect(state.getByTestId('stop-reason')).toHaveText('Mechanical failure');
  // Large enough to read at 2 m: as big as the product.
  expect(await state.getByTestId('stop-reason').evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(32);
  // The running clock shows its hours always: "0:00:05", never "00:05" (read as 0 h 5 min).
  await expect(state.getByLabel('elapsed')).toHaveText(/^0:00:\d\d$/);
  await tablet.page.screenshot({ path: 'test-results/screenshots/tablet-stop-reason-en.png' });

  await tablet.setLanguage('de');
  // The dashboards' word for a stopped station.
  await expect(state.locator('.big')).toHaveText(/Gestoppt$/);
  await expect(state.getByTestId('stop-reason')).toHaveText('Mechanischer Defekt');
  expect(await produced.evaluate((el) => el.textContent)).toMatch(/[\d–]\u00a0von\u00a0[\d–]/);
  await tablet.page.screenshot({ path: 'test-results/screenshots/tablet-stop-reason-de.png' });
});

test('UX walk: no changeover product is preselected after a sign-in; Start changeover waits for one (portrait)', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const products = tablet.page.getByRole('group', { name: 'Next product' });
  const start = tablet.page.getByRole('button', { name: 'Start changeover' });
  await expect(products.getByRole('button')).toHaveCount(2);
  // Once the station's status is there (the old preselection waited for it).
  await expect(tablet.page.getByTestId('station-state')).toContainText('Widget');
  await tablet.page.waitForTimeout(500);
  await expect(products.locator('[aria-pressed="true"]')).toHaveCount(0);
  await expect(start).toBeDisabled();
  await products.getByRole('button', { name: 'Gadget' }).tap();
  await expect(start).toBeEnabled();
});

test('UX walk (accessibility): each Undo names its entry, the keypad buttons\' names start with their "123", and the toast covers nothing that can be tapped', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.page.setViewportSize({ width: 1280, height: 800 });
  await tablet.setUp(svc.url);
  const page = tablet.page;
  // Label in name (WCAG 2.5.3): the name of every "123" button starts with what it shows.
  const keypads = page.locator('button.keypad');
  await expect(keypads).toHaveCount(2);
  for (const name of await keypads.evaluateAll((els) => els.map((el) => el.getAttribute('aria-label') ?? ''))) expect(name).toMatch(/^123: type (Good|Reject) on the keypad$/);

  await tablet.bookCount(2, 0);
  await tablet.bookCount(3, 0);
  const own = page.getByTestId('own-entries');
  await expect(own.getByRole('button', { name: /^Undo: Count .+, 2 good, 0 reject · Widget$/ })).toHaveCount(1);
  await expect(own.getByRole('button', { name: /^Undo: Count .+, 3 good, 0 reject · Widget$/ })).toHaveCount(1);

  // The toast of the last booking shows while the operator scrolls to her entries at the bottom.
  await expect(page.getByRole('status').filter({ hasText: 'Saved on this tablet' })).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  const covered = await page.evaluate(() => {
    const toast = [...document.querySelectorAll('.toast')].find((t) => t.textContent !== '')!.getBoundingClientRect();
    const overlaps = (r: DOMRect) => r.left < toast.right && toast.left < r.right && r.top < toast.bottom && toast.top < r.bottom;
    return [...document.querySelectorAll('[data-testid="own-entries"] li, button, input, textarea')].filter((el) => overlaps(el.getBoundingClientRect())).map((el) => el.outerHTML.slice(0, 80));
  });
  expect(covered).toEqual([]);
  // Nor does it ever take a tap (it may float over a control mid-page for its 3 s).
  expect(await page.locator('.toast').first().evaluate((el) => getComputedStyle(el).pointerEvents)).toBe('none');
});
