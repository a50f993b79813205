import { test, expect, chromium, type BrowserContext } from '@playwright/test';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestService } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

let svc: TestService;
let profile: string;
test.beforeEach(async () => {
  svc = await TestService.start();
  profile = await mkdtemp(join(tmpdir(), 'floorboard-profile-'));
});
test.afterEach(async () => {
  await svc?.dispose();
  await rm(profile, { recursive: true, force: true });
});

/** A tablet browser with a profile on disk, like a real device (IndexedDB and SW cache persist). */
function launch(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
    viewport: { width: 1280, height: 800 },
    hasTouch: true,
    serviceWorkers: 'allow',
  });
}

/** SIGKILL every process of the browser we launched (found by its unique profile path): no clean shutdown. */
async function killBrowser(): Promise<void> {
  const pids: number[] = [];
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(profile)) pids.push(Number(pid));
  }
  expect(pids.length).toBeGreaterThan(0);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone with its parent
    }
  }
}

test('entries committed before the browser is killed are still there after a restart and sync exactly once', async () => {
  let context = await launch();
  const tablet = new TabletPage(context.pages()[0] ?? (await context.newPage()));
  await tablet.setUp(svc.url);
  await svc.down();
  await tablet.stopWithReason('Setup');
  await tablet.bookCount(12, 0);
  await tablet.addNote('before the crash');
  const made = await tablet.outboxIds();
  expect(made).toHaveLength(4);

  await killBrowser();
  await context.close().catch(() => undefined);

  context = await launch();
  try {
    const again = new TabletPage(context.pages()[0] ?? (await context.newPage()));
    await svc.up();
    await again.open(svc.url);
    await expect(again.page.getByTestId('station-state')).toHaveAttribute('data-state', 'stopped');
    await again.waitSynced();
    const stored = (await svc.events()).filter((s) => made.includes(s.event.id));
    expect(stored.map((s) => s.event.id).sort()).toEqual([...made].sort());
    expect(new Set((await svc.events()).map((s) => s.event.id)).size).toBe((await svc.events()).length);
  } finally {
    await context.close();
  }
});
