import { mkdir } from 'node:fs/promises';
import type { Locator, Page, TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

/** Serious and critical axe violations (WCAG 2.1 A and AA) on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/**
 * Walks the page with Tab (up to `max` stops) as a keyboard user does, and lists every stop a
 * sighted keyboard user or a screen reader user could not use: no visible focus ring, or no name.
 * Returns the stops in order too, to check the tab order.
 */
export async function tabWalk(page: Page, max = 60): Promise<{ stops: string[]; issues: string[] }> {
  // Start from the top of the page, as after a load: a focused, unlisted marker before everything.
  await page.evaluate(() => {
    const start = document.createElement('span');
    start.id = 'tab-walk-start';
    start.tabIndex = -1;
    document.body.prepend(start);
    start.focus();
  });
  const stops: string[] = [];
  const issues: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((n) => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const seenAt = el.dataset.tabWalk === undefined ? null : Number(el.dataset.tabWalk);
      el.dataset.tabWalk = String(seenAt ?? n);
      const css = getComputedStyle(el);
      const hasRing = (css.outlineStyle !== 'none' && parseFloat(css.outlineWidth) >= 2) || css.boxShadow !== 'none';
      const labelled = el.getAttribute('aria-labelledby')?.split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
      const labels = (el as HTMLInputElement).labels ? [...(el as HTMLInputElement).labels!].map((l) => l.textContent ?? '').join(' ') : '';
      const name = (el.getAttribute('aria-label') ?? labelled ?? (labels || el.textContent || el.getAttribute('title') || '')).trim();
      const key = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}[${name.slice(0, 40)}]`;
      return { key, hasRing, hasName: name.length > 0, seenAt };
    }, stops.length);
    if (!stop) break;
    // Tab within one control (the parts of a date field) stays on it; back at an earlier stop is the end.
    if (stop.seenAt === stops.length - 1) continue;
    if (stop.seenAt !== null) break;
    stops.push(stop.key);
    if (!stop.hasRing) issues.push(`${stop.key}: no visible focus`);
    if (!stop.hasName) issues.push(`${stop.key}: no accessible name`);
  }
  await page.evaluate(() => {
    document.getElementById('tab-walk-start')?.remove();
    document.querySelectorAll('[data-tab-walk]').forEach((el) => delete (el as HTMLElement).dataset.tabWalk);
  });
  return { stops, issues };
}

/** Keeps a full-page screenshot at test-results/screenshots/<name>.png (outside Playwright's cleaned output dir) and attaches it to the report. */
export async function keepScreenshot(target: Page | Locator, info: TestInfo, name: string): Promise<void> {
  await mkdir('test-results/screenshots', { recursive: true });
  const path = `test-results/screenshots/${name}.png`;
  // A page whole; a locator (one panel) as it stands.
  await ('goto' in target ? target.screenshot({ path, fullPage: true }) : target.screenshot({ path }));
  await info.attach(name, { path, contentType: 'image/png' });
}
