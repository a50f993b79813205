import { test, expect } from './support/tablet-test.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 800, height: 1280 }, hasTouch: true, serviceWorkers: 'allow' });

/** Tries to sign in; expects the form to stay, with `alert` under it. */
async function refused(tablet: TabletPage, badge: string, pin: string, alert: string | RegExp) {
  await tablet.page.getByLabel(/^(Badge|Ausweis)$/).fill(badge);
  await tablet.page.getByLabel('PIN').fill(pin);
  await tablet.page.getByRole('button', { name: /^(Sign in|Anmelden)$/ }).click();
  await expect(tablet.page.getByRole('alert')).toHaveText(alert);
  await expect(tablet.page.getByTestId('station-state')).toHaveCount(0);
}

test("an operator of another line's station is refused at sign-in, online and offline, with the station named (en, de)", async ({ context, svc }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.open(svc.url);
  await tablet.enrol('lead-a', 'lead-pass', 'a1');
  // Badge 1002 (op-b) may work at b1 on line B only; its PIN is right.
  await refused(tablet, '1002', '2345', 'You may not work at station A1. Sign in at one of your stations, or ask your lead.');
  await tablet.page.screenshot({ path: 'test-results/e2e/signin-refused-en.png' });
  await tablet.setLanguage('de');
  await refused(tablet, '1002', '2345', 'Sie dürfen an Station A1 nicht arbeiten. Melden Sie sich an einer Ihrer Stationen an oder fragen Sie Ihre Schichtleitung.');
  await tablet.page.screenshot({ path: 'test-results/e2e/signin-refused-de.png' });
  await tablet.setLanguage('en');
  // Nothing was recorded for the refused operator, and no connection was made in their name.
  expect(await tablet.outboxIds()).toEqual([]);

  // Offline the tablet's roster holds this station's operators only: refused too, station named.
  await tablet.waitForServiceWorker();
  await svc.down();
  await context.setOffline(true);
  await refused(tablet, '1002', '2345', 'Badge or PIN not recognised for station A1. Only its operators can sign in here.');
  // The station's own operator still signs in offline.
  await tablet.signIn('1001', '1234');
});
