import { test, expect } from './support/tablet-test.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { TabletPage } from './support/tablet-page.ts';
import { setLanguage } from './support/language.ts';

test.use({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });

test('`/` offers the dashboards beside tablet enrolment, reachable from the keyboard', async ({ page, svc }) => {
  await page.goto(svc.url);
  await expect(page.getByRole('heading', { name: 'Enrol this tablet' })).toBeVisible();
  const waysIn = page.getByRole('navigation', { name: 'Dashboards' });
  await expect(waysIn.getByRole('link', { name: 'Open the dashboards' })).toBeVisible();
  await expect(waysIn.getByRole('link', { name: 'TV mode' })).toHaveAttribute('href', '#/tv');
  // Keyboard only: Tab to the link, Enter opens the dashboards' sign-in.
  for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.textContent === 'Open the dashboards')); i++) await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('dashboard-signin')).toBeVisible();
});

test('`/` on a desk PC with no tablet enrolled shows no tablet sync status; an enrolled tablet shows it', async ({ page, svc }) => {
  await page.goto(svc.url);
  await expect(page.getByRole('heading', { name: 'Enrol this tablet' })).toBeVisible();
  // The walk saw "Offline · 0 waiting · never synced" here for good, though the service answered.
  await page.waitForTimeout(2000);
  await expect(page.getByTestId('sync-indicator')).toHaveCount(0);
  await expect(page.getByText('never synced')).toHaveCount(0);
  const tablet = new TabletPage(page);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await expect(page.getByTestId('sync-indicator')).toBeVisible();
});

test('an enrolled tablet\'s sign-in at `/` offers the dashboards too', async ({ page, svc }) => {
  const tablet = new TabletPage(page);
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  await page.getByRole('navigation', { name: 'Dashboards' }).getByRole('link', { name: 'Open the dashboards' }).click();
  await new DashboardPage(page).signIn('lead-a', 'lead-pass');
  await expect(page).toHaveURL(/#\/line\/line-a$/);
});

for (const [role, user, password, landing] of [
  ['a lead', 'lead-a', 'lead-pass', /#\/line\/line-a$/],
  ['a manager', 'mgr', 'mgr-pass', /#\/board$/],
  ['an admin', 'admin', 'admin-pass', /#\/admin$/],
] as const) {
  test(`after signing in from /, ${role} lands on their start screen`, async ({ page, svc }) => {
    await page.goto(svc.url);
    await page.getByRole('link', { name: 'Open the dashboards' }).click();
    await new DashboardPage(page).signIn(user, password);
    await expect(page).toHaveURL(landing);
    await expect(page.getByTestId(role === 'a lead' ? 'kpi-oee' : role === 'an admin' ? 'admin-area' : 'board')).toBeVisible();
  });
}

test('password forms say "User or password not recognised", in English and German, never "badge"', async ({ page, svc }) => {
  await page.goto(`${svc.url}/#/dashboard`);
  await page.getByLabel('User id', { exact: true }).fill('mgr');
  await page.getByLabel('Password', { exact: true }).fill('wrong');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('User or password not recognised.');
  await setLanguage(page, 'de');
  await page.getByLabel('Benutzer-ID', { exact: true }).fill('mgr');
  await page.getByLabel('Passwort', { exact: true }).fill('wrong');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await expect(page.getByRole('alert')).toHaveText('Benutzer oder Passwort nicht erkannt.');
  // The enrolment form at `/` is a password form too, and speaks German when asked.
  await page.goto(svc.url);
  await setLanguage(page, 'de');
  await page.getByLabel('Benutzer-ID').fill('lead-a');
  await page.getByLabel('Passwort').fill('wrong');
  await page.getByRole('button', { name: 'Stationen laden' }).click();
  await expect(page.getByRole('alert')).toHaveText('Benutzer oder Passwort nicht erkannt.');
  await expect(page.getByRole('alert')).not.toContainText(/Ausweis|badge/i);
});
