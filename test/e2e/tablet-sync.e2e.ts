import { test, expect } from './support/tablet-test.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FIXTURE_PLANT } from './support/test-service.ts';
import { TabletPage } from './support/tablet-page.ts';

test.use({ viewport: { width: 1280, height: 800 }, hasTouch: true, serviceWorkers: 'allow' });

test('the service restarts while entries are in flight: every entry arrives exactly once', async ({ context, svc }) => {
  test.setTimeout(120_000);
  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  await svc.down();
  await tablet.tapCounts(60);
  const made = await tablet.outboxIds();
  expect(made).toHaveLength(60);

  await svc.up();
  // Restart as soon as the tablet is sending: some batches are acked, some in flight, some not sent.
  // The tablet retries with a jittered backoff of up to 30 s (core/outbox/backoff.ts) while the service was down.
  await expect(tablet.page.getByTestId('sync-indicator')).toHaveAttribute('data-mode', /syncing|online/, { timeout: 40_000 });
  await svc.down();
  await svc.up();
  await tablet.waitSynced();

  const stored = (await svc.events()).filter((s) => made.includes(s.event.id));
  expect(stored).toHaveLength(60);
  expect(new Set(stored.map((s) => s.event.id)).size).toBe(60);
  expect(stored.every((s) => s.event.author === 'op-a')).toBe(true);
});

test('a rejected entry is shown with its reason and the entries behind it still sync', async ({ context, svc }) => {
  // The plant loses the "jam" reason while the tablet still has the old tree cached.
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as { reasons: { id: string; children?: { id: string }[] }[] };
  for (const r of plant.reasons) r.children = (r.children ?? []).filter((c) => c.id !== 'jam');
  const changed = join(svc.dataDir, 'changed.plant.json');
  await writeFile(changed, JSON.stringify(plant));

  const tablet = new TabletPage(await context.newPage());
  await tablet.setUp(svc.url);
  await svc.down();
  await tablet.stopWithReason('Breakdown', 'Jam');
  await tablet.restart();
  await tablet.addNote('after the jam');
  await tablet.bookCount(5, 0);
  const made = await tablet.outboxIds();
  expect(made).toHaveLength(5);

  await svc.up(changed);
  const rejected = tablet.page.getByTestId('rejected');
  await expect(rejected).toContainText('unknown-reason', { timeout: 30_000 });
  await expect(rejected).toContainText('Stop reason');
  await tablet.waitSynced();
  const stored = (await svc.events()).filter((s) => made.includes(s.event.id));
  expect(stored.map((s) => s.event.type).sort()).toEqual(['count', 'note', 'stop.end', 'stop.start']);

  // Kept on the tablet until the operator has read it; then it can be dismissed.
  expect(await tablet.outboxIds()).toHaveLength(1);
  await rejected.getByRole('button', { name: 'Dismiss' }).tap();
  await expect(rejected).toHaveCount(0);
  expect(await tablet.outboxIds()).toHaveLength(0);
});
