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

    // A faster ideal cycle time for widgets on line A and a clearer name, in the plant editor: checked, shown, applied.
    const plant = page.getByTestId('admin-plant');
    const text = await plant.getByTestId('plant-text').inputValue();
    await plant.getByTestId('plant-text').fill(text.replace('idealCycleTimeSec: 2\n', 'idealCycleTimeSec: 1.5\n').replace('name: Line A\n', 'name: Line A (widgets)\n'));
    await plant.getByTestId('plant-check').click();
    await expect(plant.getByTestId('plant-diff')).toContainText('areas[assembly].lines[line-a].products[widget].idealCycleTimeSec: 2 → 1.5');
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
    // A broken edit is refused with its field named, and nothing is applied.
    await plant.getByTestId('plant-text').fill(text.replace('idealCycleTimeSec: 2\n', 'idealCycleTimeSec: -1\n'));
    await plant.getByTestId('plant-check').click();
    await expect(plant.getByTestId('plant-problems')).toContainText('areas.0.lines.0.products.0.idealCycleTimeSec:');
    await expect(plant.getByTestId('plant-apply')).toHaveCount(0);
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-config-en');

    // Edited: Otto's full name, kept as a version like every change.
    await people.getByTestId('person-op-b').getByTestId('person-edit').click();
    await people.getByTestId('edit-name').fill('Otto Berger');
    await people.getByTestId('person-reason').fill('full name');
    await people.getByRole('button', { name: 'Apply' }).click();
    await expect(people.getByTestId('person-op-b')).toContainText('Otto Berger');

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
    expect(await seriousViolations(page)).toEqual([]);
    await keepScreenshot(page, test.info(), 'admin-config-de');
  } finally {
    await desk.close();
  }
});
