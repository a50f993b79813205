import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { TabletPage } from './support/tablet-page.ts';
import { FIXTURE_PLANT, TestService } from './support/test-service.ts';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * The test plant (UTC, three weekly shifts round the clock) with yesterday, today and tomorrow
 * holidays; with `extra`, today also has an extra shift all day long. The service starts with it
 * (a plant changed while running keeps the shift that already started, as it should).
 */
async function calendarPlant(dir: string, extra: boolean): Promise<string> {
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown> & { calendar: Record<string, unknown> };
  const now = Date.now();
  const exceptions: unknown[] = [-1, 0, 1].map((d) => ({ kind: 'holiday', date: isoDay(now + d * DAY), name: 'Plant holiday' }));
  if (extra) exceptions.push({ kind: 'extra', date: isoDay(now), name: 'Stocktake', shift: { id: 'extra-day', name: 'Extra day shift', start: '00:00', end: '00:00' } });
  plant.calendar.exceptions = exceptions;
  const file = join(dir, 'calendar.plant.json');
  await writeFile(file, JSON.stringify(plant));
  return file;
}

/** A fresh service per test, started with the calendar plant; `extra` chooses the plant. */
const test = base.extend<{ extra: boolean; svc: TestService }>({
  extra: [false, { option: true }],
  svc: async ({ context, extra }, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'floorboard-calendar-'));
    const svc = await TestService.start(undefined, await calendarPlant(dir, extra));
    await use(svc);
    await context.close();
    await svc.dispose();
    await rm(dir, { recursive: true, force: true });
  },
});

// A landscape tablet with a touch screen.
test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

test.describe('with an extra shift today', () => {
  test.use({ extra: true });
  test("an extra shift of the plant calendar: the tablet shows it, lists the operator's own count and offers −1 on it", async ({ context, svc }) => {
    const tablet = new TabletPage(await context.newPage());
    await tablet.setUp(svc.url);
    const page = tablet.page;
    await expect(page.getByTestId('shift-name')).toHaveText('Extra day shift');
    await expect(page.getByText('Not scheduled')).toHaveCount(0);
    const minusOne = page.getByRole('button', { name: '−1 from my last count' });
    await expect(minusOne).toBeDisabled();

    await tablet.bookCount(4, 0);
    const counts = page.getByTestId('own-entries').locator('li[data-kind="count"]');
    await expect(counts).toContainText('4 good, 0 reject');
    await expect(minusOne).toBeEnabled();
    await minusOne.tap();
    await expect(counts.filter({ hasText: '3 good, 0 reject' })).toHaveCount(1);
    await expect(counts.filter({ hasText: '4 good, 0 reject' })).toHaveAttribute('data-voided', 'true');
  });
});

test('a holiday of the plant calendar: the tablet shows no shift, not the weekly one it cancels', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await expect(page.getByTestId('shift-name')).toHaveText('No shift');
  await expect(page.getByRole('region', { name: 'Line A: shift progress' }).getByText('Not scheduled')).toBeVisible();
  await tablet.bookCount(2, 0);
  await expect(page.getByRole('button', { name: '−1 from my last count' })).toBeDisabled();
});

test('"Not scheduled" fits its state card at tablet sizes, in English and German', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const card = page.getByTestId('station-state');
  await expect(card).toHaveAttribute('data-state', 'not-scheduled', { timeout: 15_000 });
  for (const [locale, word] of [['en', 'Not scheduled'], ['de', 'Nicht geplant']] as const) {
    await tablet.setLanguage(locale);
    for (const [width, height] of [[1024, 768], [768, 1024], [1280, 800]] as const) {
      await page.setViewportSize({ width, height });
      await expect(card.locator('.big')).toContainText(word);
      // Nothing of the state word sticks out of the card, nor out of its own box.
      const fit = await card.evaluate((el) => {
        const big = el.querySelector('.big') as HTMLElement;
        const c = el.getBoundingClientRect(), b = big.getBoundingClientRect();
        const range = document.createRange();
        range.selectNodeContents(big);
        const text = range.getBoundingClientRect();
        return { overflow: big.scrollWidth - big.clientWidth, textRight: text.right - c.right, boxRight: b.right - c.right, fontPx: parseFloat(getComputedStyle(big).fontSize) };
      });
      expect(fit, `${locale} ${width}x${height}`).toMatchObject({ overflow: 0 });
      expect(fit.textRight, `${locale} ${width}x${height}`).toBeLessThanOrEqual(0);
      expect(fit.boxRight, `${locale} ${width}x${height}`).toBeLessThanOrEqual(0);
      // Still big: readable at 2 m.
      expect(fit.fontPx, `${locale} ${width}x${height}`).toBeGreaterThanOrEqual(40);
      await card.screenshot({ path: `test-results/screenshots/state-not-scheduled-${locale}-${width}x${height}.png` });
    }
  }
});
