import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';
import { seriousViolations } from './support/a11y.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

test('gloves: a count typed on the big keypad is booked as typed; Escape leaves the count as it was', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const good = page.getByLabel('Good', { exact: true });

  await page.getByRole('button', { name: '123: type Good on the keypad' }).tap();
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
  await expect(page.getByRole('button', { name: '123: type Good on the keypad' })).toBeFocused();

  // From a hardware keyboard: digits type, Escape cancels and keeps 12.
  await page.getByRole('button', { name: '123: type Good on the keypad' }).press('Enter');
  await expect(keypad).toBeVisible();
  await page.keyboard.type('7');
  await expect(keypad.locator('output')).toHaveText('7');
  await page.keyboard.press('Escape');
  await expect(keypad).toHaveCount(0);
  await expect(good).toHaveValue('12');

  await page.getByRole('button', { name: 'Book count' }).tap();
  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 12 · Reject 0');
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
  await expect(keypad.locator('output')).toHaveText('');
  await expect(keypad.getByTestId('keypad-empty')).toHaveText('Leer: Zahl eintippen');
  await expect(keypad.getByRole('button', { name: 'OK', exact: true })).toBeDisabled();
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
  await expect(page.getByRole('heading', { name: /^Stückzahlen/ })).toHaveText('Stückzahlen an A1 · Gut 20 · Ausschuss 3');
  const bookedCounts = async () => (await svc.events()).flatMap((s) => (s.event.type === 'count' ? [[s.event.good, s.event.reject]] : []));
  await expect.poll(bookedCounts, { timeout: 15_000 }).toEqual([[20, 3]]);
});

test('Clear on the keypad empties the entry: OK waits for a number and never keeps the old count', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const good = page.getByLabel('Good', { exact: true });
  await good.fill('12');
  await page.getByRole('button', { name: '123: type Good on the keypad' }).tap();
  const keypad = page.getByRole('dialog', { name: 'Good: type the number' });
  const ok = keypad.getByRole('button', { name: 'OK', exact: true });
  // Untouched, the keypad shows the count it was opened with.
  await expect(keypad.locator('output')).toHaveText('12');
  await keypad.getByRole('button', { name: 'Clear' }).tap();
  await expect(keypad.locator('output')).toHaveText('');
  await expect(keypad.getByTestId('keypad-empty')).toHaveText('Empty: type a number');
  await expect(ok).toBeDisabled();
  await page.keyboard.press('Enter');
  await expect(keypad).toBeVisible();
  await page.screenshot({ path: 'test-results/screenshots/tablet-keypad-cleared-en.png' });
  // A number typed after Clear is what OK takes.
  await keypad.getByRole('button', { name: '0', exact: true }).tap();
  await expect(ok).toBeEnabled();
  await ok.tap();
  await expect(keypad).toHaveCount(0);
  await expect(good).toHaveValue('0');

  // Deleting the shown count digit by digit empties it too.
  await good.fill('7');
  await page.getByRole('button', { name: '123: type Good on the keypad' }).tap();
  await keypad.getByRole('button', { name: 'Delete the last digit' }).tap();
  await expect(keypad.locator('output')).toHaveText('');
  await expect(ok).toBeDisabled();
  await keypad.getByRole('button', { name: 'Cancel' }).tap();
  await expect(good).toHaveValue('7');
});

test('split: a time typed past the end of the stop is moved inside it and said so; the fields keep what was typed, the picture shows the split', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  await page.getByRole('button', { name: 'Stop', exact: true }).tap();
  await page.getByRole('button', { name: 'Breakdown', exact: true }).tap();
  await page.getByRole('button', { name: 'Jam', exact: true }).tap();
  await page.waitForTimeout(4000);
  await tablet.restart();
  await page.getByTestId('own-entries').locator('li[data-kind="stop"]').getByRole('button', { name: 'Split' }).tap();
  const sheet = page.getByTestId('split-sheet');
  const minutes = sheet.getByLabel('Minutes', { exact: true });
  const seconds = sheet.getByLabel('Seconds', { exact: true });
  await expect(sheet.getByTestId('split-clamped')).toHaveCount(0);
  const secondsBefore = await seconds.inputValue();

  // 1 min 47 s on the keypads, for a stop of a few seconds.
  await sheet.getByRole('button', { name: '123: type Minutes on the keypad' }).tap();
  await page.getByRole('dialog', { name: 'Minutes: type the number' }).getByRole('button', { name: '1', exact: true }).tap();
  await page.getByRole('dialog', { name: 'Minutes: type the number' }).getByRole('button', { name: 'OK', exact: true }).tap();
  const clamped = sheet.getByTestId('split-clamped');
  await expect(clamped).toContainText(/^A split must fall inside the stop \(0:01 to 0:0\d\)\. Change the time, or use 0:0\d\.$/);
  const last = /or use (0:0\d)\./.exec((await clamped.textContent())!)![1]!;
  await expect(sheet.getByRole('button', { name: 'Next: reason of part 2' })).toBeDisabled();
  await expect(minutes).toHaveValue('1');
  await expect(seconds).toHaveValue(secondsBefore);
  await seconds.fill('47');
  await expect(clamped).toContainText(`or use ${last}.`);
  await expect(minutes).toHaveValue('1');
  await expect(seconds).toHaveValue('47');
  // The picture's part 1 is as long as the message says.
  await expect(sheet.getByTestId('split-part-1')).toContainText(`(${last}) keeps its reason: Jam`);
  await page.screenshot({ path: 'test-results/screenshots/tablet-split-clamped-en.png' });

  // Back inside the stop, the message goes; seconds over 59 would carry into the minutes.
  await minutes.fill('0');
  await expect(clamped).toContainText(`or use ${last}.`);
  await seconds.fill('1');
  await expect(clamped).toHaveCount(0);
  await expect(sheet.getByTestId('split-part-1')).toContainText('(0:01) keeps its reason: Jam');
  // Outside again, and one tap takes the nearest time inside: the fields then say it.
  await minutes.fill('3');
  await sheet.getByRole('button', { name: `Use ${last}` }).tap();
  await expect(clamped).toHaveCount(0);
  await expect(minutes).toHaveValue('0');
  await expect(seconds).toHaveValue(String(Number(last.slice(2))));
  await expect(sheet.getByRole('button', { name: 'Next: reason of part 2' })).toBeEnabled();
});

test('Book while the disk is slow: a second tap books nothing, a +1 tapped meanwhile stays for the next count, and the count shows once committed', async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const page = tablet.page;
  const good = page.getByLabel('Good', { exact: true });
  await good.fill('3');
  // Another transaction holds the store the tap's entry must write (as a slow disk would): the entry
  // cannot commit until it is let go.
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('floorboard');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const w = window as unknown as { isHeld: boolean };
    w.isHeld = true;
    const tx = db.transaction('meta', 'readwrite');
    const spin = () => {
      if (w.isHeld) tx.objectStore('meta').get('seq').onsuccess = spin;
    };
    spin();
  });
  const book = page.getByRole('button', { name: 'Book count' });
  await book.tap();
  await book.tap();
  await page.getByRole('button', { name: '+1 Good' }).tap();
  await expect(good).toHaveValue('4');
  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 0 · Reject 0');
  await page.evaluate(() => ((window as unknown as { isHeld: boolean }).isHeld = false));

  await expect(page.getByRole('heading', { name: /^Counts/ })).toHaveText('Counts at A1 · Good 3 · Reject 0');
  await expect(good).toHaveValue('1');
  const bookedCounts = async () => (await svc.events()).flatMap((s) => (s.event.type === 'count' ? [[s.event.good, s.event.reject]] : []));
  await expect.poll(bookedCounts, { timeout: 15_000 }).toEqual([[3, 0]]);
  await book.tap();
  await expect.poll(bookedCounts, { timeout: 15_000 }).toEqual([[3, 0], [1, 0]]);
});
