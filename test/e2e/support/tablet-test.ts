import { test as base, expect } from '@playwright/test';
import { TestService } from './test-service.ts';

/**
 * Playwright's `test` with a fresh plant service per test (`svc`: own data dir, free ports). The
 * tablet's browser context is closed before the service stops: the service would otherwise wait
 * for the tablet's open MQTT socket.
 */
export const test = base.extend<{ svc: TestService }>({
  svc: async ({ context }, use) => {
    const svc = await TestService.start();
    await use(svc);
    await context.close();
    await svc.dispose();
  },
});

export { expect };
