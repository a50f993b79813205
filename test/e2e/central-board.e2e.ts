import { test, expect, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CENTRAL_USERS, SITE_A, SITE_B, startManySites, type ManySites } from '../helpers/many-sites.ts';
import { seriousViolations } from './support/a11y.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let rig: ManySites;
let timer: NodeJS.Timeout | null = null;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  rig = await startManySites({ staticDir: join(root, 'dist') });
  // Both sites' machines count parts all along, near their ideal rate (a part per 2 s).
  const run = () => void rig.tick(1).finally(() => (timer = setTimeout(run, 2500)));
  run();
});
test.afterAll(async () => {
  if (timer) clearTimeout(timer);
  timer = null;
  await rig?.close();
});

async function signIn(page: Page, user: keyof typeof CENTRAL_USERS, password: string = CENTRAL_USERS[user]): Promise<void> {
  await page.goto(`http://127.0.0.1:${rig.centre.httpPort}/`);
  await page.getByLabel(/User id|Benutzer/).fill(user);
  await page.getByLabel(/^Password$|^Passwort$/).fill(password);
  await page.getByRole('button', { name: /Sign in|Anmelden/ }).click();
}

test('the company board: both sites with areas, lines and live figures, in English and German, and a site manager sees only their site', async ({ browser }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await signIn(page, 'boss', 'wrong-password');
  await expect(page.getByRole('alert')).toHaveText('User or password not recognised.');
  await signIn(page, 'boss');
  for (const site of [SITE_A, SITE_B]) {
    const section = page.getByTestId(`site-${site}`);
    await expect(section).toBeVisible({ timeout: 30_000 });
    // The site's own engine's figures, carried by its bridge: a percentage, and the machine's parts.
    await expect(section.getByTestId('site-oee')).toHaveText(/^\d+\.\d%$/, { timeout: 30_000 });
    await expect(section.getByTestId(`line-${site}-line-a`)).toContainText(/[1-9][\d,]* good/, { timeout: 30_000 });
    await expect(section.getByRole('heading', { name: 'Assembly' })).toBeVisible();
  }
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(['Werk Nord', 'Werk Süd']);
  await expect(page.getByTestId('silent')).toHaveCount(0);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/central-board-en.png', fullPage: true });

  await page.getByLabel('Language').selectOption('de');
  await expect(page.getByTestId(`site-${SITE_A}`).getByTestId('site-oee')).toHaveText(/^\d+,\d\s%$/);
  await expect(page.getByTestId(`line-${SITE_B}-line-a`)).toContainText(/Gutteile/);
  await expect(page.getByTestId('updated')).toContainText('Stand');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/central-board-de.png', fullPage: true });
  await context.close();

  // A manager of one site: the server sends only that site.
  const northContext = await browser.newContext({ locale: 'en-GB' });
  const north = await northContext.newPage();
  await signIn(north, 'mgr-north');
  await expect(north.getByTestId(`site-${SITE_A}`)).toBeVisible({ timeout: 30_000 });
  await expect(north.getByTestId(`site-${SITE_B}`)).toHaveCount(0);
  await expect(north.getByText('Werk Süd')).toHaveCount(0);
  await northContext.close();
});
