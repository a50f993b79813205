import type { Page } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ hasTouch: true, serviceWorkers: 'allow' });

/** What does not fit in the tablet's header: text of a control on more than one line, a control past its edge, or a sideways scroll. */
async function headerMisfits(page: Page): Promise<string[]> {
  return page.locator('header.top').evaluate((header) => {
    const box = header.getBoundingClientRect();
    const misfits: string[] = [];
    if (header.scrollWidth > header.clientWidth) misfits.push(`header scrolls: ${header.scrollWidth} > ${header.clientWidth}`);
    // One row: the header is as high as its highest part (nothing wrapped onto a row of its own).
    const style = getComputedStyle(header);
    const content = header.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    const highest = Math.max(...[...header.children].map((part) => part.getBoundingClientRect().height));
    if (content > highest + 1) misfits.push(`more than one row: ${content} px high, highest part ${highest} px`);
    for (const el of header.querySelectorAll<HTMLElement>('button, strong, span, [role="status"]')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5) misfits.push(`${el.textContent?.trim()} sticks out`);
      if (el.tagName !== 'BUTTON') continue;
      // One line of text: a range over the label has one box per line.
      const range = document.createRange();
      range.selectNodeContents(el);
      const lines = new Set([...range.getClientRects()].map((q) => Math.round(q.top)));
      if (lines.size > 1) misfits.push(`"${el.textContent?.trim()}" wraps onto ${lines.size} lines`);
      if (r.height < 64) misfits.push(`"${el.textContent?.trim()}" is ${r.height} px high`);
    }
    return misfits;
  });
}

test('the tablet header fits landscape and portrait tablets in English and German: no button wraps, nothing sticks out', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.page.setViewportSize({ width: 1024, height: 768 });
  await tablet.setUp(svc.url);
  // The widest header: entries waiting while offline (count, age of the oldest, last sync).
  await svc.down();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', 'offline', { timeout: 15_000 });
  await tablet.bookCount(3, 0);
  await expect(tablet.page.getByTestId('sync-indicator')).toContainText('oldest');
  for (const lang of ['en', 'de'] as const) {
    await tablet.setLanguage(lang);
    for (const size of [{ width: 1024, height: 768 }, { width: 768, height: 1024 }, { width: 1280, height: 800 }]) {
      await tablet.page.setViewportSize(size);
      await expect.poll(() => headerMisfits(tablet.page), { message: `${lang} ${size.width}x${size.height}` }).toEqual([]);
      await tablet.page.locator('header.top').screenshot({ path: `test-results/screenshots/tablet-header-${size.width}x${size.height}-${lang}.png` });
    }
  }
});
