import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { FIXTURE_PLANT, type TestService } from './support/test-service.ts';
import { Gateway } from './support/gateway.ts';
import type { DashboardPage } from './dashboard-pages.ts';
import { MANAGER, signedIn } from './support/past-shift.ts';
import { keepScreenshot } from './support/a11y.ts';

test.use({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });

// Two lines whose names differ only at the end: cut short, both would read "Montagelinie…".
const NAMES: Record<string, string> = {
  'line-a': 'Montagelinie 2 Endmontage Hydraulikventile',
  'line-b': 'Montagelinie 1 Endmontage Hydraulikventile',
  'line-c': 'Verpackungslinie Nord',
};

/** The test plant with long line names; line-a's machine ran 12 min ago and stopped 5 min ago (no reason yet). */
async function plantWithLongNames(svc: TestService): Promise<void> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { areas: { lines: { id: string; name: string }[] }[] };
  for (const l of plant.areas.flatMap((a) => a.lines)) l.name = NAMES[l.id] ?? l.name;
  const file = join(svc.dataDir, 'long-names.plant.json');
  await writeFile(file, JSON.stringify(plant));
  await svc.down();
  await svc.up(file);
  const gw = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gw.state('running', Date.now() - 12 * 60_000);
  await gw.state('stopped', Date.now() - 5 * 60_000);
  await gw.signal({ type: 'machine.heartbeat' });
  await gw.end();
  await expect.poll(async () => (await svc.events()).length, { timeout: 10_000 }).toBe(3);
}

/** Every tile's name is whole: on one or more lines, never clipped by an ellipsis or the tile's edge. */
async function cutNames(page: DashboardPage['page']): Promise<string[]> {
  return page.$$eval('[data-testid^="tile-"] h3', (els) =>
    els.flatMap((h) => {
      const tile = h.closest('[data-testid^="tile-"]')!.getBoundingClientRect();
      const r = h.getBoundingClientRect();
      const isCut = h.scrollWidth > h.clientWidth + 1 || r.bottom > tile.bottom || r.right > tile.right + 1 || getComputedStyle(h).textOverflow === 'ellipsis';
      return isCut ? [h.textContent ?? ''] : [];
    }),
  );
}

/** The board as the manager sees it, on the plant with long line names (see plantWithLongNames). */
async function boardWithLongNames(page: Page, svc: TestService): Promise<DashboardPage> {
  await plantWithLongNames(svc);
  return signedIn(page, svc.url, '#/board', MANAGER);
}

function oneWholeLine(el: Locator) {
  return el.evaluate((e) => ({ isCut: e.scrollWidth > e.clientWidth, lines: Math.round(e.getBoundingClientRect().height / (parseFloat(getComputedStyle(e).fontSize) * 1.2)) }));
}

test('board and TV: full line names, worst first from the first paint, the top loss on one line without repeats', async ({ page, svc }) => {
  const d = await boardWithLongNames(page, svc);
  const signedInAt = Date.now();
  await d.waitLive();
  await expect(d.tile('line-a')).toHaveAttribute('data-state', 'stopped');
  // The stopped line heads its area at once (by name it would come second), long before the 10 s re-sort.
  await expect(page.locator('section', { has: d.tile('line-a') }).locator('[data-testid^="tile-"]').first()).toHaveAttribute('data-testid', 'tile-line-a');
  expect(Date.now() - signedInAt).toBeLessThan(8_000);

  for (const [id, name] of Object.entries(NAMES)) await expect(d.tile(id).getByRole('heading')).toHaveText(name);
  expect(await cutNames(page)).toEqual([]);

  const loss = d.tile('line-a').getByTestId('top-loss');
  // Each part once (today's board read "No reason yet (Idling and minor stops) · 4 min (Idling and minor stops)").
  await expect(loss).toHaveText(/^Top loss: No reason yet · \d+ (sec|min)$/);
  await expect(loss).toHaveAttribute('title', /^Top loss: No reason yet · \d+ (sec|min) \([^()]+\)$/);
  // One line, and all of it readable: not wrapped, not cut by an ellipsis.
  expect(await oneWholeLine(loss)).toEqual({ isCut: false, lines: 1 });
  await keepScreenshot(page, test.info(), 'board-long-names-en');

  // German: percentages and durations as a German reader writes them.
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(loss).toHaveText(/^Hauptverlust: Noch kein Grund · \d+ (Sek|Min)\.$/);
  expect(await oneWholeLine(loss)).toEqual({ isCut: false, lines: 1 });
  // Coverage and OEE come on the line's OEE topic, apart from its status: wait for them as a viewer would.
  await expect(d.tile('line-a').getByTestId('coverage')).toHaveText(/^\d{1,3},\d\s%$/);
  await expect(d.tile('line-a').getByTestId('oee')).toHaveText(/^\d{1,3}\s%$/);
  await keepScreenshot(page, test.info(), 'board-long-names-de');

  for (const size of [{ width: 1920, height: 1080 }, { width: 1280, height: 720 }]) {
    await page.setViewportSize(size);
    await page.evaluate(() => (location.hash = '#/tv'));
    await expect(page.getByTestId('tv')).toBeVisible();
    await expect(page.locator('[data-testid^="tile-"]').first()).toHaveAttribute('data-testid', 'tile-line-a');
    expect(await cutNames(page)).toEqual([]);
    // Every row of every tile shows: the type shrinks rather than the last row falling off the tile.
    await expect.poll(() => page.$$eval('[data-testid^="tile-"]', (els) => els.filter((el) => el.scrollHeight > el.clientHeight + 1).length)).toBe(0);
    await keepScreenshot(page, test.info(), `tv-long-names-${size.width}-de`);
    await page.evaluate(() => (location.hash = '#/board'));
  }

  // A wall TV restarts in the language chosen on this browser, not back in English.
  await page.evaluate(() => (location.hash = '#/tv'));
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('lang', 'de');
  await expect(page.getByTestId('live-status')).toHaveText(/Live/);
  await expect(d.tile('line-a').getByTestId('top-loss')).toHaveText(/^Hauptverlust: /);
});

test('the TV shows its lines worst first from the first tile it paints, never by name or "Unknown" while the live data comes in', async ({ page, svc }) => {
  const d = await boardWithLongNames(page, svc);
  await d.waitLive();
  // Every tile the page ever renders, in the order of the first render that had any, and each state seen.
  await page.addInitScript(() => {
    const w = window as unknown as { firstTiles?: string[]; statesSeen?: string[] };
    w.statesSeen = [];
    new MutationObserver(() => {
      const tiles = [...document.querySelectorAll('[data-testid^="tile-"]')];
      if (tiles.length && !w.firstTiles) w.firstTiles = tiles.map((t) => t.getAttribute('data-testid')!);
      for (const t of tiles) w.statesSeen!.push(t.getAttribute('data-state')!);
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  await page.evaluate(() => (location.hash = '#/tv'));
  await page.reload();
  await expect(page.getByTestId('tv')).toBeVisible();
  await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(3);
  // By name line-b ("Montagelinie 1 …") would come first; the stopped line-a heads the board.
  await expect(page.locator('[data-testid^="tile-"]').first()).toHaveAttribute('data-testid', 'tile-line-a');
  const settled = await page.locator('[data-testid^="tile-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  const seen = await page.evaluate(() => {
    const w = window as unknown as { firstTiles?: string[]; statesSeen: string[] };
    return { firstTiles: w.firstTiles, statesSeen: w.statesSeen };
  });
  expect(seen.firstTiles).toEqual(settled);
  expect(seen.statesSeen).not.toContain('unknown');
  await expect(page.getByTestId('tv-loading')).toHaveCount(0);
});

test('the board shows its lines worst first from the first tile it paints: the order never changes while the live data comes in', async ({ page, svc }) => {
  const d = await boardWithLongNames(page, svc);
  await d.waitLive();
  // Every tile order the page ever renders (from its first tile on), and each state seen.
  await page.addInitScript(() => {
    const w = window as unknown as { orders: string[]; statesSeen: string[] };
    w.orders = [];
    w.statesSeen = [];
    new MutationObserver(() => {
      const tiles = [...document.querySelectorAll('[data-testid^="tile-"]')];
      const order = tiles.map((t) => t.getAttribute('data-testid')!).join();
      if (tiles.length && w.orders.at(-1) !== order) w.orders.push(order);
      for (const t of tiles) w.statesSeen.push(t.getAttribute('data-state')!);
    }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  await page.reload();
  await expect(page.locator('[data-testid^="tile-"]')).toHaveCount(3);
  await expect(page.locator('[data-testid^="tile-"]').first()).toHaveAttribute('data-testid', 'tile-line-a');
  await expect(page.getByTestId('board-loading')).toHaveCount(0);
  // Let late messages come in: the order must hold.
  await page.waitForTimeout(1500);
  const seen = await page.evaluate(() => {
    const w = window as unknown as { orders: string[]; statesSeen: string[] };
    return { orders: w.orders, statesSeen: w.statesSeen };
  });
  expect(seen.orders).toHaveLength(1);
  expect(seen.orders[0]!.split(',')[0]).toBe('tile-line-a');
  expect(seen.statesSeen).not.toContain('unknown');
});
