import type { Browser, BrowserContext } from '@playwright/test';

/** A landscape tablet with touch, and a desk screen for the lead's and manager's views. */
const TABLET = { viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'block' } as const;
const DESK = { viewport: { width: 1440, height: 1000 }, serviceWorkers: 'block' } as const;

/** Browser contexts for the screens of one test (each its own storage), closed together after it. */
export class Screens {
  readonly #open: BrowserContext[] = [];

  /** `withServiceWorker`: the PWA's worker runs (offline reloads), as on a real tablet. */
  async context(browser: Browser, isTablet = false, withServiceWorker = false): Promise<BrowserContext> {
    const c = await browser.newContext({ ...(isTablet ? TABLET : DESK), ...(withServiceWorker ? { serviceWorkers: 'allow' as const } : {}) });
    this.#open.push(c);
    return c;
  }

  async closeAll(): Promise<void> {
    for (const c of this.#open.splice(0)) await c.close();
  }
}
