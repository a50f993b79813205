import { test as base, expect } from '@playwright/test';
import { TestService } from './test-service.ts';

/**
 * Playwright's `test` with a fresh plant service per test (`svc`: own data dir, free ports). The
 * tablet's browser context is closed before the service stops: the service would otherwise wait
 * for the tablet's open MQTT socket.
 */
export const test = base.extend<{ svc: TestService; shiftSoFarMs: number }>({
  /** The test needs a shift that has run that long now (`TestService.start`); 0: any time of day. */
  shiftSoFarMs: [0, { option: true }],
  svc: async ({ context, shiftSoFarMs }, use) => {
    const svc = await TestService.start(undefined, undefined, { shiftSoFarMs });
    await use(svc);
    await context.close();
    await svc.dispose();
  },
});

export { expect };
