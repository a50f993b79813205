import { test, expect } from '@playwright/test';
import { cp, appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

let svc: TestService;
let shell: string;
test.beforeEach(async () => {
  // A private copy of the build, so a "new version" can be deployed without touching dist/.
  shell = await mkdtemp(join(tmpdir(), 'floorboard-shell-'));
  await cp('dist', shell, { recursive: true });
  svc = await TestService.start(shell);
});
test.afterEach(async ({ context }) => {
  await context.close();
  await svc?.dispose();
  await rm(shell, { recursive: true, force: true });
});

test('a new version is offered as "update ready" and applied only between entries', async ({ context }) => {
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  const firstWorker = await tablet.page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
  expect(firstWorker).toContain('/sw.js');

  // Deploy: any byte change of sw.js is a new version.
  await appendFile(join(shell, 'sw.js'), '\n// next release\n');
  await tablet.page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
  const banner = tablet.page.getByRole('status').filter({ hasText: 'An update is ready.' });
  await expect(banner).toBeVisible({ timeout: 15_000 });

  // Half-way through an entry the update waits.
  await tablet.page.getByRole('textbox', { name: 'Note', exact: true }).fill('half-typed');
  await expect(banner.getByRole('button', { name: 'Update now' })).toBeDisabled();
  await tablet.addNote('half-typed');
  await expect(banner.getByRole('button', { name: 'Update now' })).toBeEnabled();
  const waiting = await tablet.outboxIds();

  await Promise.all([tablet.page.waitForEvent('load'), banner.getByRole('button', { name: 'Update now' }).tap()]);
  await expect(tablet.page.getByTestId('station-state')).toBeVisible();
  await expect(tablet.page.getByRole('status').filter({ hasText: 'An update is ready.' })).toHaveCount(0);
  // The entry made before the update is still there (or already synced), never lost.
  await tablet.waitSynced();
  const stored = new Set((await svc.events()).map((s) => s.event.id));
  for (const id of waiting) expect(stored.has(id)).toBe(true);
});
