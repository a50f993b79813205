import { expect, type Page } from '@playwright/test';

/** Page model of the dashboards (line view, board, TV, report), in the words of a lead or manager. */
export class DashboardPage {
  constructor(readonly page: Page) {}

  async open(baseUrl: string, hash: string): Promise<void> {
    await this.page.goto(`${baseUrl}/${hash}`);
  }

  async signIn(userId: string, password: string): Promise<void> {
    await this.page.getByLabel('User id', { exact: true }).fill(userId);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByTestId('dashboard-user')).toBeVisible({ timeout: 15_000 });
  }

  async signInWithBadge(badge: string, pin: string): Promise<void> {
    await this.page.getByLabel('Badge and PIN').check();
    await this.page.getByLabel('Badge', { exact: true }).fill(badge);
    await this.page.getByLabel('PIN', { exact: true }).fill(pin);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  async waitLive(): Promise<void> {
    await expect(this.page.getByTestId('live-status').first()).toHaveAttribute('data-connection', 'online', { timeout: 15_000 });
  }

  tile(lineId: string) {
    return this.page.getByTestId(`tile-${lineId}`);
  }

  /** Session token of the signed-in dashboard user (to call the API as that user). */
  token(): Promise<string> {
    return this.page.evaluate(() => JSON.parse(sessionStorage.getItem('floorboard.dashboard.session') ?? '{}').token as string);
  }

  /**
   * Records, in the page, the first instant (its Date.now()) at which `selector` matches an element
   * whose text contains `text`: measured where the user sees it, not by polling from the test.
   */
  async watchFor(key: string, selector: string, text: string): Promise<void> {
    await this.page.evaluate(
      ({ key, selector, text }) => {
        const w = window as unknown as Record<string, number | undefined>;
        const check = () => {
          if (w[key] !== undefined) return;
          const el = document.querySelector(selector);
          if (el && (el.textContent ?? '').includes(text)) w[key] = Date.now();
        };
        new MutationObserver(check).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        check();
      },
      { key, selector, text },
    );
  }

  async seenAt(key: string): Promise<number> {
    await expect.poll(() => this.page.evaluate((k) => (window as unknown as Record<string, number | undefined>)[k] ?? null, key), { timeout: 10_000 }).not.toBeNull();
    return this.page.evaluate((k) => (window as unknown as Record<string, number>)[k]!, key);
  }

  async screenshot(name: string): Promise<void> {
    await this.page.screenshot({ path: `test-results/dashboard/${name}.png`, fullPage: true });
  }
}
