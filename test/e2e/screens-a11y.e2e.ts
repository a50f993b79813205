import type { Page } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { Gateway } from './support/gateway.ts';
import type { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';
import { keepScreenshot, seriousViolations, tabWalk } from './support/a11y.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { setLanguage } from './support/language.ts';

// Every screen, in English and German: no serious axe violations, usable from the keyboard (each
// Tab stop shows its focus and has a name), and a screenshot kept under test-results/screenshots/.
test.use({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });

const LANGS = ['en', 'de'] as const;
const seen = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim();
/** The day of `at` in the test plant's time zone (UTC), written the reader's way. */
const dayOf = (lang: string, at: number) => new Intl.DateTimeFormat(lang, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC' }).format(at);
/** A date written the reader's way: "04.12.2026" in German, "12/04/2026" in English. */
const localDate = (lang: string) => (lang === 'de' ? /\d{2}\.\d{2}\.\d{4}/ : /\d{2}\/\d{2}\/\d{4}/);

/** Line A's machine ran 20 min ago, counted 300 parts and stopped 4 min ago: every panel has something to show. */
async function lineAStopped(svc: TestService): Promise<void> {
  const gw = await Gateway.connect(svc.url, svc.service!.mqttPort!);
  await gw.state('running', Date.now() - 20 * 60_000);
  await gw.counter(300, 'widget', Date.now() - 10 * 60_000);
  await gw.state('stopped', Date.now() - 4 * 60_000);
  await gw.signal({ type: 'machine.heartbeat' });
  await gw.end();
}

async function checkScreen(page: Page, name: string): Promise<string[]> {
  expect(await seriousViolations(page), `${name}: axe`).toEqual([]);
  const { stops, issues } = await tabWalk(page);
  expect(stops.length, `${name}: tab stops`).toBeGreaterThan(0);
  expect(issues, `${name}: keyboard`).toEqual([]);
  await keepScreenshot(page, test.info(), name);
  return stops;
}

test('tablet: enrolment, sign-in and operator screen in both languages', async ({ page, svc }) => {
  const tablet = new TabletPage(page);
  await tablet.open(svc.url);
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    const stops = await checkScreen(page, `enrol-${lang}`);
    // Sign-in fields first, then the way to the dashboards.
    expect(stops.findIndex((s) => s.startsWith('a[')), 'dashboards after enrolment').toBeGreaterThan(stops.findIndex((s) => s.startsWith('button[')));
  }
  await setLanguage(page, 'en');
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await checkScreen(page, `signin-tablet-${lang}`);
  }
  await setLanguage(page, 'en');
  await tablet.signIn('1001', '1234');
  for (const lang of LANGS) {
    await setLanguage(page, lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await checkScreen(page, `operator-${lang}`);
  }
});

test('dashboards: sign-in, lead view, report, board and TV in both languages, with German numbers and dates', async ({ page, svc }) => {
  await lineAStopped(svc);
  const d = new DashboardPage(page);
  await d.open(svc.url, '#/dashboard');
  for (const lang of LANGS) {
    await page.getByTestId('dashboard-language').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await checkScreen(page, `signin-dashboard-${lang}`);
  }
  await page.getByTestId('dashboard-language').selectOption('en');
  await d.signIn('lead-a', 'lead-pass');
  await d.waitLive();
  await expect(page.getByTestId('kpi-oee')).toBeVisible();
  const from = Date.now() - 60 * 60_000;
  const to = Date.now();
  for (const lang of LANGS) {
    await page.getByTestId('dashboard-language').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await page.evaluate(() => (location.hash = '#/line/line-a'));
    await expect(page.getByTestId('kpi-oee')).toBeVisible();
    // Percentages and the shift picker's dates in the reader's language ("9,1 %", "04.12.2026").
    expect(seen(await page.getByTestId('kpi-coverage').locator('.value').textContent())).toMatch(lang === 'de' ? /^\d{1,3},\d %$/ : /^\d{1,3}\.\d%$/);
    // The picker's shifts are dated by their start, which is yesterday just after midnight.
    await expect(page.locator('select option').filter({ hasText: localDate(lang) }).first()).toBeAttached();
    await checkScreen(page, `line-view-${lang}`);

    await page.evaluate(([f, t]) => (location.hash = `#/report/line-a?from=${f}&to=${t}`), [from, to]);
    await expect(page.getByTestId('report-oee')).toBeVisible();
    await expect(page.getByText(dayOf(lang, from)).first()).toBeVisible();
    expect(seen(await page.getByTestId('report-coverage').textContent())).toMatch(lang === 'de' ? /^\d{1,3},\d %$/ : /^\d{1,3}\.\d%$/);
    await checkScreen(page, `report-${lang}`);
  }
});

test('board, TV and trends in both languages', async ({ page, svc }) => {
  await lineAStopped(svc);
  const d = new DashboardPage(page);
  await d.open(svc.url, '#/board');
  await d.signIn('mgr', 'mgr-pass');
  await d.waitLive();
  for (const lang of LANGS) {
    await page.evaluate(() => (location.hash = '#/board'));
    await page.getByTestId('dashboard-language').selectOption(lang);
    await expect(page.locator('html')).toHaveAttribute('lang', lang);
    await expect(d.tile('line-a')).toHaveAttribute('data-state', 'stopped');
    // The line's OEE comes on its own retained topic, apart from its status: wait for it, as a viewer would.
    await expect(d.tile('line-a').getByTestId('oee')).toHaveText(lang === 'de' ? /^\d{1,3}\s%$/ : /^\d{1,3}%$/);
    // The tile's ratios are abbreviated in the reader's language (German: Verfügbarkeit, Leistung, Qualität).
    await expect(d.tile('line-a').locator('.apq dt')).toHaveText(lang === 'de' ? ['V', 'L', 'Q'] : ['A', 'P', 'Q']);
    await expect(d.tile('line-a').locator('.apq abbr').first()).toHaveAttribute('title', lang === 'de' ? 'Verfügbarkeit' : 'Availability');
    const stops = await checkScreen(page, `board-${lang}`);
    // Controls before the tiles, the tiles in the order they are shown (worst first).
    // A tile's name tells the line, its state and its OEE ("Open Line A: Stopped, OEE 0%").
    const tileStops = stops.filter((s) => /^a\[.*Line [ABC]/.test(s));
    expect(tileStops[0]).toMatch(lang === 'en' ? /^a\[Open Line A: Stopped, OEE \d+%\]$/ : /^a\[Line A öffnen: Gestoppt, OEE \d+\s%\]$/);
    expect(tileStops.map((s) => /Line ([ABC])/.exec(s)![1])).toEqual(['A', 'B', 'C']);
    // Enter on a focused tile opens its line.
    if (lang === 'en') {
      await d.tile('line-a').focus();
      await page.keyboard.press('Enter');
      await expect(page).toHaveURL(/#\/line\/line-a$/);
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.evaluate(() => (location.hash = '#/tv'));
    await expect(page.getByTestId('tv')).toBeVisible();
    expect(await seriousViolations(page), `tv-${lang}: axe`).toEqual([]);
    await keepScreenshot(page, test.info(), `tv-${lang}`);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => (location.hash = '#/trends'));
    await expect(page.getByTestId('compare')).toBeVisible();
    await checkScreen(page, `trends-${lang}`);
  }
});
