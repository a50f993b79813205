import type { Page } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { seriousViolations } from './support/a11y.ts';

test.use({ hasTouch: true, serviceWorkers: 'allow' });

/** Every interactive control is at least 48 x 48 CSS px: usable with gloves. */
async function smallTargets(page: Page) {
  return page.$$eval('button, select, input, textarea', (els) =>
    els
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .map((el) => ({ el: el.outerHTML.slice(0, 60), r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.width < 48 || r.height < 64)
      .map(({ el, r }) => `${el} ${r.width}x${r.height}`),
  );
}

test('operator screen: no serious accessibility violations, 64 px high targets, screenshots in both orientations and languages', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.page.setViewportSize({ width: 1280, height: 800 });
  await tablet.open(svc.url);
  expect(await seriousViolations(tablet.page)).toEqual([]);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  expect(await seriousViolations(tablet.page)).toEqual([]);
  await tablet.signIn('1001', '1234');
  // Something on screen in every panel: a stop that needs a reason is the busiest state.
  await tablet.bookCount(40, 3, 'scrap-dim');
  await tablet.page.getByRole('button', { name: 'Stop', exact: true }).tap();
  expect(await seriousViolations(tablet.page)).toEqual([]);
  await tablet.page.getByRole('button', { name: 'Cancel' }).tap();

  for (const lang of ['en', 'de'] as const) {
    await tablet.setLanguage(lang);
    for (const [name, size] of [['landscape', { width: 1280, height: 800 }], ['portrait', { width: 800, height: 1280 }]] as const) {
      await tablet.page.setViewportSize(size);
      expect(await smallTargets(tablet.page)).toEqual([]);
      expect(await seriousViolations(tablet.page)).toEqual([]);
      const path = `test-results/screenshots/operator-${name}-${lang}.png`;
      await tablet.page.screenshot({ path, fullPage: true });
      await test.info().attach(`operator-${name}-${lang}`, { path, contentType: 'image/png' });
    }
  }
  await expect(tablet.page.getByRole('button', { name: 'Wieder an', exact: true })).toBeVisible();
});
