import { expect, type Page } from '@playwright/test';

/** Page model of the operator tablet: what an operator (or lead) does, in their words. */
export class TabletPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
  }

  /** A lead enrols the tablet to a station; the app reloads itself with the new device id. */
  async enrol(userId: string, password: string, stationId: string): Promise<void> {
    await this.page.getByLabel('User id').fill(userId);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Load stations' }).click();
    await this.page.getByLabel('Station').selectOption(stationId);
    await Promise.all([this.page.waitForEvent('load'), this.page.getByRole('button', { name: 'Enrol tablet' }).click()]);
    await expect(this.page.getByRole('heading', { name: 'Sign in' })).toBeVisible({ timeout: 15_000 });
  }

  async signIn(badge: string, pin: string): Promise<void> {
    await this.page.getByLabel('Badge').fill(badge);
    await this.page.getByLabel('PIN').fill(pin);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByTestId('station-state')).toBeVisible({ timeout: 15_000 });
  }

  /** Enrols the tablet to a1 as lead-a, signs in Olga (badge 1001) and waits for the shell to be cached. */
  async setUp(url: string): Promise<void> {
    await this.open(url);
    await this.enrol('lead-a', 'lead-pass', 'a1');
    await this.signIn('1001', '1234');
    await this.waitForServiceWorker();
    await expect(this.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /online|syncing/, { timeout: 15_000 });
  }

  /** Waits until the service worker controls the page (the shell is precached). */
  async waitForServiceWorker(): Promise<void> {
    await this.page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    if (!(await this.page.evaluate(() => navigator.serviceWorker.controller !== null))) await this.page.reload();
    await expect.poll(() => this.page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  }

  async stopWithReason(category: string, reason?: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Stop', exact: true }).tap();
    await this.page.getByRole('button', { name: category, exact: true }).tap();
    if (reason) await this.page.getByRole('button', { name: reason, exact: true }).tap();
    await expect(this.page.getByTestId('station-state')).toHaveAttribute('data-state', 'stopped');
  }

  async restart(): Promise<void> {
    await this.page.getByRole('button', { name: 'Restart' }).tap();
    await expect(this.page.getByTestId('station-state')).toHaveAttribute('data-state', 'running');
  }

  async bookCount(good: number, reject: number, scrapReasonId?: string): Promise<void> {
    await this.page.getByLabel('Good', { exact: true }).fill(String(good));
    await this.page.getByLabel('Reject', { exact: true }).fill(String(reject));
    if (scrapReasonId) await this.page.getByRole('group', { name: 'Scrap reason' }).locator(`button[data-reason="${scrapReasonId}"]`).tap();
    await this.page.getByRole('button', { name: 'Book count' }).tap();
    await expect(this.page.getByRole('status').filter({ hasText: 'Saved on this tablet' })).toBeVisible();
  }

  async addNote(text: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
    await this.page.getByRole('button', { name: 'Add note' }).tap();
    await expect(this.page.getByRole('textbox', { name: 'Note', exact: true })).toHaveValue('');
  }

  /** Entries in the IndexedDB outbox, read straight from the database. */
  outboxIds(): Promise<string[]> {
    return this.page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('floorboard');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('outbox').objectStore('outbox').getAllKeys();
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result.map(String));
            };
          };
        }),
    );
  }

  /** Books `n` counts of one good part each, as fast as an operator's taps go. */
  async tapCounts(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      await this.page.getByRole('button', { name: '+1 Good' }).tap();
      await this.page.getByRole('button', { name: 'Book count' }).tap();
    }
    await expect(this.page.getByTestId('sync-indicator')).not.toHaveAttribute('data-waiting', '0');
  }

  /** Picks a language with its big button (named in that language). */
  async setLanguage(locale: 'en' | 'de'): Promise<void> {
    await this.page.getByRole('button', { name: locale === 'de' ? 'Deutsch' : 'English', exact: true }).tap();
    await expect(this.page.locator('html')).toHaveAttribute('lang', locale);
  }

  async waitSynced(timeoutMs = 30_000): Promise<void> {
    await expect(this.page.getByTestId('sync-indicator')).toHaveAttribute('data-waiting', '0', { timeout: timeoutMs });
  }
}
