import type { Locator } from '@playwright/test';
import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { keepScreenshot, seriousViolations } from './support/a11y.ts';

/** Fills the admin area's "Add a person" form for an operator with badge 4711 at station A1, and submits it. */
async function addOperator(people: Locator, p: { name: string; id: string; pin: string; reason: string }): Promise<void> {
  await people.getByTestId('person-add-open').click();
  await people.getByTestId('add-name').fill(p.name);
  await people.getByTestId('add-id').fill(p.id);
  await people.getByTestId('add-badge').fill('4711');
  await people.getByTestId('add-scope-a1').check();
  await people.getByTestId('add-secret').fill(p.pin);
  await people.getByTestId('add-reason').fill(p.reason);
  await people.getByRole('button', { name: 'Add a person' }).click();
}

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

/** Issue 13's proof: people and the plant changed in the admin area reach a running tablet and the service at once, each change a version. */
test('an admin adds an operator in the app; the enrolled tablet gets the new roster without a reload, and they sign in there offline; a new ideal cycle time is applied as a version; a disabled operator is refused (en, de)', async ({ browser, context, svc }) => {
  test.setTimeout(120_000);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);

  const desk = await browser.newContext({ viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' });
  try {
    const page = await desk.newPage();
    const d = new DashboardPage(page);
    await d.open(svc.url, '#/dashboard');
    await d.signIn('admin', 'admin-pass');
    await expect(page).toHaveURL(/#\/admin$/);
    const people = page.getByTestId('admin-people');
    await expect(people.getByTestId('person-op-a')).toContainText('Olga A');

    await addOperator(people, { name: 'Anna Weber', id: 'op-new', pin: '9876', reason: 'new hire, early shift' });
    await expect(people.getByTestId('people-notice')).toHaveText('Anna Weber: applied as plant version 2.');
    await expect(people.getByTestId('person-op-new')).toContainText('badge 4711 · Line A · A1');
    await expect(page.getByTestId('plant-version-2')).toContainText('admin · new hire, early shift');
    await expect(page.getByTestId('plant-version-2')).toContainText('users[op-new]: added (Anna Weber, operator)');
    // The same badge again is refused with the field and the badge named.
    await addOperator(people, { name: 'Bernd Doppel', id: 'op-dup', pin: '1111', reason: 'typo' });
    await expect(people.getByTestId('people-error')).toContainText(/users\.\d+\.badge: duplicate badge "4711"/);
    await people.getByRole('button', { name: 'Cancel' }).click();

    // The tablet, still signed in as Olga, fetches its roster again when the line status tells version 2.
    await expect
      .poll(() => tablet.page.evaluate(async () => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open('floorboard');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        const roster = await new Promise<unknown>((resolve) => {
          const r = db.transaction('cache').objectStore('cache').get('roster');
          r.onsuccess = () => resolve(r.result);
        });
        db.close();
        return JSON.stringify(roster ?? null);
      }), { timeout: 15_000 })
      .toContain('op-new');
    // Network pulled: Anna signs in at the tablet she has never used, against the roster it holds.
    await context.setOffline(true);
    await tablet.page.getByRole('button', { name: 'Sign out' }).tap();
    await tablet.signIn('4711', '9876');
    await expect(tablet.page.getByRole('note').filter({ hasText: 'Signed in offline' })).toBeVisible();
    await context.setOffline(false);

    // The lead watches line A meanwhile.
    const leadPage = await desk.newPage();
    const lead = new DashboardPage(leadPage);
    await lead.open(svc.url, '#/dashboard');
    await lead.signIn('lead-a', 'lead-pass');
    await expect(leadPage.getByRole('heading', { name: 'Line A', level: 1 })).toBeVisible();

    // A faster ideal cycle time for widgets on line A and a clearer name, in the plant's forms (no YAML): checked, shown, applied.
    const plant = page.getByTestId('admin-plant');
    await plant.getByTestId('form-line-line-a').getByTestId('line-name').fill('Line A (widgets)');
    await plant.getByTestId('plant-tab-products').click();
    await plant.getByTestId('ict-line-a-widget').fill('1.5');
    // A holiday in the shift calendar, for the early shift only.
    await plant.getByTestId('plant-tab-calendar').click();
    await plant.getByTestId('add-holiday').click();
    const holiday = plant.getByTestId('form-exceptions').locator('.shift').last();
    await holiday.getByTestId('exception-date').fill('2031-05-01');
    await holiday.getByRole('textbox', { name: 'Name' }).fill('Labour Day');
    await holiday.getByRole('checkbox').nth(1).uncheck();
    await holiday.getByRole('checkbox').nth(2).uncheck();
    await expect(holiday.getByRole('checkbox').first()).toBeChecked();
    await keepScreenshot(plant, test.info(), 'admin-plant-calendar-en');
    await plant.getByTestId('plant-check').click();
    await expect(plant.getByTestId('plant-diff')).toContainText('areas[assembly].lines[line-a].name: "Line A" → "Line A (widgets)"');
    await expect(plant.getByTestId('plant-diff')).toContainText('areas[assembly].lines[line-a].products[widget].idealCycleTimeSec: 2 → 1.5');
    await expect(plant.getByTestId('plant-diff')).toContainText('2031-05-01');
    await plant.getByTestId('plant-reason').fill('new tooling');
    await plant.getByTestId('plant-apply').click();
    await expect(plant.getByTestId('plant-notice')).toHaveText('Applied as plant version 3.');
    // The people table follows the version applied in the editor (a stale version would refuse nothing, but would mislead).
    await expect(people).toContainText('kept as a plant version (now 3)');
    await expect(people.getByTestId('people-error')).toHaveCount(0);
    await expect(page.getByTestId('plant-version-3')).toContainText('new tooling');
    // The lead's open view follows the new version without a reload.
    await expect(leadPage.getByRole('heading', { name: 'Line A (widgets)', level: 1 })).toBeVisible({ timeout: 10_000 });
    // The stored hours keep their figures until the admin recomputes them, after a preview.
    const recompute = page.getByTestId('admin-recompute');
    await recompute.getByTestId('recompute-check').click();
    await expect(recompute.getByTestId('recompute-line-line-a')).toContainText('Line A (widgets)');
    await recompute.getByTestId('recompute-reason').fill('widgets ran faster all week');
    await recompute.getByTestId('recompute-apply').click();
    await expect(recompute.getByTestId('recompute-notice')).toHaveText(/^\d+ hours recomputed\.$/);
    await expect(recompute.getByTestId('admin-actions')).toContainText('admin · widgets ran faster all week');
    // A broken edit is refused with the problem said next to its field, and nothing is applied.
    await plant.getByTestId('plant-tab-products').click();
    await plant.getByTestId('ict-line-a-widget').fill('-1');
    await plant.getByTestId('plant-check').click();
    await expect(plant.getByTestId('plant-problems')).toContainText('areas.0.lines.0.products.0.idealCycleTimeSec:');
    await expect(plant.getByTestId('form-line-products-line-a').getByTestId('field-problem')).toBeVisible();
    await expect(plant.getByTestId('plant-apply')).toHaveCount(0);
    // The same plant as YAML, the text `floorboard plant export` writes, holds the edit.
    await plant.getByTestId('plant-tab-yaml').click();
    await expect(plant.getByTestId('plant-text')).toHaveValue(/idealCycleTimeSec: -1\n/);
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-config-en');

    // Edited: Otto's full name, and he leads line B from now on: a lead signs in with a password, given in the same change.
    await people.getByTestId('person-op-b').getByTestId('person-edit').click();
    await people.getByTestId('edit-name').fill('Otto Berger');
    await people.getByTestId('edit-role').selectOption('lead');
    await people.getByTestId('edit-scope-line-b').check();
    await people.getByTestId('edit-secret').fill('otto-leads-b');
    await people.getByTestId('person-reason').fill('leads line B');
    await people.getByRole('button', { name: 'Apply' }).click();
    await expect(people.getByTestId('person-op-b')).toContainText('Otto Berger');
    await expect(people.getByTestId('person-op-b')).toContainText('Shift lead');
    const otto = await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'password', userId: 'op-b', password: 'otto-leads-b', deviceId: 'probe-o' }) });
    expect(otto.status).toBe(200);

    // Disabled from the app: the service refuses the PIN at once.
    await people.getByTestId('person-op-new').getByRole('button', { name: 'Disable' }).click();
    await people.getByTestId('person-reason').fill('left the company');
    await people.getByRole('button', { name: 'Apply' }).click();
    await expect(people.getByTestId('person-op-new')).toContainText('disabled');
    const refused = await fetch(`${svc.url}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'badge', badge: '4711', pin: '9876', deviceId: 'probe' }) });
    expect(refused.status).toBe(401);

    await page.getByTestId('dashboard-language').selectOption('de');
    await expect(people.getByRole('heading', { name: 'Personen' })).toBeVisible();
    await expect(plant.getByRole('heading', { name: 'Werkskonfiguration (Version 5)' })).toBeVisible();
    await expect(people.getByTestId('person-op-new')).toContainText('deaktiviert');
    // The plant's forms in German, each problem still next to its field.
    await plant.getByTestId('plant-tab-products').click();
    await expect(plant.getByTestId('form-line-products-line-a')).toContainText('Läuft auf Line A (widgets)');
    await plant.getByTestId('plant-tab-lines').click();
    await expect(plant.getByTestId('form-line-line-a')).toContainText('Kurzstopp unter (s)');
    await keepScreenshot(plant, test.info(), 'admin-plant-lines-de');
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-config-de');
  } finally {
    await desk.close();
  }
});
