import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { setLanguage } from './support/language.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('a call button made offline goes through the outbox and is stored once as the operator\'s button call', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const call = tablet.page.getByTestId('call-material');
  await expect(call).toBeVisible();
  expect((await call.boundingBox())!.height).toBeGreaterThanOrEqual(64);

  await svc.down();
  await context.setOffline(true);
  await tablet.page.getByLabel('Note (optional)').fill('coil 4 empty');
  await call.tap();
  await expect(tablet.page.getByRole('status').filter({ hasText: /^Material called / })).toBeVisible();
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '1');
  await tablet.page.screenshot({ path: 'test-results/tablet-andon-offline.png' });

  await context.setOffline(false);
  await svc.up();
  await tablet.waitSynced();
  const raises = (await svc.events()).map((s) => s.event).filter((e) => e.type === 'andon.raise');
  expect(raises).toMatchObject([{ kind: 'material', trigger: 'button', note: 'coil 4 empty', author: 'op-a', stationId: 'a1' }]);
});

/** Names of the visible buttons that more than one visible button carries. */
async function repeatedButtonNames(page: import('@playwright/test').Page): Promise<string[]> {
  const names = await page.$$eval('button', (els) => els.filter((el) => (el as HTMLElement).offsetParent !== null).map((el) => (el.getAttribute('aria-label') ?? el.textContent ?? '').trim()));
  return [...new Set(names.filter((n, i) => names.indexOf(n) !== i))];
}

test('call buttons say what they do (no second "Material" or "Quality" button beside the handover), and a call made by mistake is taken back under My entries: it reads as taken back by the caller, on the lead\'s call list too', async ({ context, browser, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  // Everything with a "Material" or "Quality" on one screen: the call buttons and the handover's topics.
  await page.getByRole('button', { name: 'Write shift handover' }).tap();
  for (const lang of ['de', 'en'] as const) {
    await tablet.setLanguage(lang);
    expect(await repeatedButtonNames(page)).toEqual([]);
    await page.screenshot({ path: `test-results/screenshots/tablet-calls-handover-${lang}.png`, fullPage: true });
  }
  await page.getByRole('button', { name: 'Cancel' }).tap();

  await page.getByRole('button', { name: 'Call lead' }).tap();
  // Said at once on the tablet; once the service shows the call (it may be that quick) the station's list says it instead.
  await expect(page.getByRole('status').filter({ hasText: /^Lead called / }).or(page.getByTestId('station-call').filter({ hasText: /^Lead called / })).first()).toBeVisible();
  await expect(page.getByText('Called by mistake? Take it back under "My entries" within 10 minutes.')).toBeVisible();
  const banner = page.getByTestId('station-calls');
  await expect(banner.getByTestId('station-call')).toHaveText(/^Lead called .*, not acknowledged yet$/, { timeout: 15_000 });
  // Still said once the service shows the call at the top.
  await expect(page.getByText('Called by mistake? Take it back under "My entries" within 10 minutes.')).toBeVisible();

  const row = page.getByTestId('own-entries').locator('li[data-kind="call"]');
  await expect(row).toContainText('Call · Lead');
  await row.getByRole('button', { name: 'Undo' }).tap();
  await page.getByTestId('undo-sheet').getByRole('button', { name: 'Mistake' }).tap();
  await expect(row).toHaveAttribute('data-voided', 'true');
  await expect(row).toContainText('undone: Mistake');
  // The undo's void is the take-back: the call reads as taken back by its caller, gone from the station's calls.
  await expect(banner).toHaveCount(0, { timeout: 15_000 });
  await page.screenshot({ path: 'test-results/screenshots/tablet-call-taken-back-en.png', fullPage: true });
  const events = (await svc.events()).map((s) => s.event);
  const raise = events.find((e) => e.type === 'andon.raise');
  expect(events.filter((e) => e.type === 'void')).toMatchObject([{ voids: raise?.id, author: 'op-a', reason: 'mistake' }]);
  // Nothing else is written for it: the lead's list (the API) reads it from the void.
  expect(events.filter((e) => e.type === 'andon.resolve')).toEqual([]);
  const login = (await (await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'e2e-lead' }) })).json()) as { token: string };
  const listed = (await (await fetch(`${svc.url}/api/andon/calls?from=${(raise?.ts ?? 0) - 1000}&to=${Date.now() + 1000}`, { headers: { authorization: `Bearer ${login.token}` } })).json()) as { calls: { id: string; resolved: unknown }[] };
  expect(listed.calls.find((c) => c.id === raise?.id)?.resolved).toMatchObject({ how: 'taken-back', by: 'op-a', name: expect.any(String), note: 'mistake' });
  // The lead's call list says so, and leaves it out of the response times (counted apart).
  const board = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    const d = new DashboardPage(await board.newPage());
    await d.open(svc.url, '#/line/line-a');
    await d.signIn('lead-a', 'lead-pass');
    const list = d.page.getByTestId('line-calls');
    const resolved = list.getByTestId(`line-call-${raise?.id}`).getByTestId('line-call-resolved');
    await setLanguage(d.page, 'en');
    await expect(resolved).toHaveText(/^Taken back by Olga A · \d{1,2}:\d{2}( [AP]M)? · mistake$/);
    await expect(list.getByTestId('line-calls-summary')).toHaveText(/^Calls: 0 · .* · 1 taken back by the caller \(not in these times\)$/);
    await setLanguage(d.page, 'de');
    await expect(resolved).toHaveText(/^Zurückgenommen von Olga A · \d{1,2}:\d{2} · mistake$/);
  } finally {
    await board.close();
  }
});
