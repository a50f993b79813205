import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { seriousViolations } from './support/a11y.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('gloves: a count typed on the big keypad is booked as typed; Escape leaves the count as it was', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const good = page.getByLabel('Good', { exact: true });

  await page.getByRole('button', { name: 'Type Good on the keypad' }).tap();
  const keypad = page.getByRole('dialog', { name: 'Good: type the number' });
  await expect(keypad).toBeVisible();
  // Keys big enough for a gloved finger.
  for (const key of ['1', '0', 'OK']) expect((await keypad.getByRole('button', { name: key, exact: true }).boundingBox())!.height).toBeGreaterThanOrEqual(64);
  await keypad.getByRole('button', { name: '1', exact: true }).tap();
  await keypad.getByRole('button', { name: '2', exact: true }).tap();
  await keypad.getByRole('button', { name: '9', exact: true }).tap();
  await keypad.getByRole('button', { name: 'Delete the last digit' }).tap();
  await expect(keypad.locator('output')).toHaveText('12');
  await page.screenshot({ path: 'test-results/screenshots/tablet-keypad-en.png' });
  expect(await seriousViolations(page)).toEqual([]);
  await keypad.getByRole('button', { name: 'OK', exact: true }).tap();
  await expect(keypad).toHaveCount(0);
  await expect(good).toHaveValue('12');
  // Focus returns to the keypad button, so a keyboard user goes on where they were.
  await expect(page.getByRole('button', { name: 'Type Good on the keypad' })).toBeFocused();

  // From a hardware keyboard: digits type, Escape cancels and keeps 12.
  await page.getByRole('button', { name: 'Type Good on the keypad' }).press('Enter');
  await expect(keypad).toBeVisible();
  await page.keyboard.type('7');
  await expect(keypad.locator('output')).toHaveText('7');
  await page.keyboard.press('Escape');
  await expect(keypad).toHaveCount(0);
  await expect(good).toHaveValue('12');

  await page.getByRole('button', { name: 'Book count' }).tap();
  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts · Good 12 · Reject 0');
  // The sync pill may read 0 waiting before the tap's entry is queued, so wait on the service itself.
  const bookedCounts = async () => (await svc.events()).flatMap((s) => (s.event.type === 'count' ? [[s.event.good, s.event.reject]] : []));
  await expect.poll(bookedCounts, { timeout: 15_000 }).toEqual([[12, 0]]);
});

test('gloves, in German: the keypad speaks German, clears and deletes, and books the number typed', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await tablet.setLanguage('de');
  await page.getByRole('button', { name: 'Ausschuss über das Tastenfeld eingeben' }).tap();
  const keypad = page.getByRole('dialog', { name: 'Ausschuss: Zahl eingeben' });
  await expect(keypad).toBeVisible();
  for (const key of ['4', '4', '0']) await keypad.getByRole('button', { name: key, exact: true }).tap();
  await keypad.getByRole('button', { name: 'Leeren' }).tap();
  await expect(keypad.locator('output')).toHaveText('0');
  await keypad.getByRole('button', { name: '3', exact: true }).tap();
  await keypad.getByRole('button', { name: '5', exact: true }).tap();
  await keypad.getByRole('button', { name: 'Letzte Ziffer löschen' }).tap();
  await expect(keypad.locator('output')).toHaveText('3');
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screenshots/tablet-keypad-de.png' });
  await keypad.getByRole('button', { name: 'OK', exact: true }).tap();
  await expect(page.getByLabel('Ausschuss', { exact: true })).toHaveValue('3');
  await page.getByRole('button', { name: 'Gut über das Tastenfeld eingeben' }).tap();
  const good = page.getByRole('dialog', { name: 'Gut: Zahl eingeben' });
  for (const key of ['2', '0']) await good.getByRole('button', { name: key, exact: true }).tap();
  await good.getByRole('button', { name: 'OK', exact: true }).tap();
  // Rejects need their reason, in one tap.
  await expect(page.getByRole('button', { name: 'Buchen' })).toBeDisabled();
  await page.getByRole('group', { name: 'Ausschussgrund' }).getByRole('button', { name: 'Dimension' }).tap();
  await page.getByRole('button', { name: 'Buchen' }).tap();
  await expect(page.getByRole('heading', { name: /^Stückzahlen/ })).toHaveText('Stückzahlen · Gut 20 · Ausschuss 3');
  const bookedCounts = async () => (await svc.events()).flatMap((s) => (s.event.type === 'count' ? [[s.event.good, s.event.reject]] : []));
  await expect.poll(bookedCounts, { timeout: 15_000 }).toEqual([[20, 3]]);
});
