import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { test, expect, type BrowserContext } from '@playwright/test';
import { shiftInstances } from '../../src/core/oee/calendar.ts';
import type { FloorEvent } from '../../src/core/events.schema.ts';
import { plantSchema } from '../../src/core/plant.schema.ts';
import { openSqliteStorage } from '../../src/server/storage/sqlite-storage.ts';
import { EventMaker, MIN, id } from '../core/oee/fixtures.ts';
import { DashboardPage } from './dashboard-pages.ts';
import { FIXTURE_PLANT, TestService } from './support/test-service.ts';

const OUT = 'test-results/line-view-past-shift';
let svc: TestService;
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await svc?.dispose();
});

const at = { lineId: 'line-a', stationId: 'a1', deviceId: 'tab-e2e-a1' };

/** Line A's last ended shift: six kinds of lost time (five reasons and a one-minute stop nobody classified), and counts of 430 to 640 in every hour (no hour at zero). */
function lostTime(start: number): FloorEvent[] {
  const m = new EventMaker();
  const ev = (min: number, p: Parameters<EventMaker['ev']>[1]) => ({ ...m.ev(start + min * MIN, p, at), author: 'op-a' }) as FloorEvent;
  const stop = (from: number, to: number, n: number, reasonId?: string) => {
    const stopId = id(9000 + n);
    return [ev(from, { type: 'stop.start', stopId, ...(reasonId ? { reasonId } : {}) }), ev(to, { type: 'stop.end', stopId })];
  };
  return [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((h) => ev(h * 60 - 5, { type: 'count', productId: 'widget', good: 400 + h * 30, reject: 0 })),
    ...stop(20, 60, 1, 'jam'),
    ...stop(80, 110, 2, 'breakdown'),
    ...stop(130, 155, 3, 'setup'),
    ...stop(170, 190, 4),
    ev(200, { type: 'changeover.start', toProductId: 'gadget' }),
    ev(215, { type: 'changeover.end', productId: 'gadget' }),
    ...stop(300, 301, 5),
  ];
}

/** An andon call raised by the tablet's button at `raisedAt`, resolved by the lead at `resolvedAt` (or open). */
function call(n: number, raisedAt: number, resolvedAt: number | null, note: string): FloorEvent[] {
  const raise = { v: 1, ...at, id: id(8000 + n), seq: 1000 + n, ts: raisedAt, author: 'op-a', type: 'andon.raise', kind: 'material', trigger: 'button', cause: `button|tab-e2e-a1|${n}`, note } as FloorEvent;
  if (resolvedAt === null) return [raise];
  const resolve = { v: 1, ...at, deviceId: 'floorboard-andon', id: id(8100 + n), seq: n, ts: resolvedAt, author: 'lead-a', type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'done' } as FloorEvent;
  return [raise, resolve];
}

test('a past shift in the lead\'s line view: its own andon calls, a Pareto with "Other", bars from zero; the report says "Other" too', async ({ browser }) => {
  await mkdir(OUT, { recursive: true });
  const plant = plantSchema.parse(JSON.parse(readFileSync(FIXTURE_PLANT, 'utf8')));
  const now = Date.now();
  const shift = shiftInstances(plant.calendar, now - 86_400_000, now).filter((s) => s.end <= now - 10 * MIN).at(-1)!;
  const calls = {
    // Raised in the shift and resolved in it; raised before it and resolved in it; raised today and still open.
    inShift: call(1, shift.start + 60 * MIN, shift.start + 70 * MIN, 'coil in shift'),
    across: call(2, shift.start - 30 * MIN, shift.start + 20 * MIN, 'coil across start'),
    today: call(3, now - 5 * MIN, null, 'coil today'),
  };
  svc = await TestService.start();
  await svc.down();
  const storage = openSqliteStorage(join(svc.dataDir, 'floorboard.db'));
  const events = [...lostTime(shift.start), ...calls.inShift, ...calls.across, ...calls.today];
  await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
  await storage.close();
  await svc.up();

  const c = await browser.newContext({ viewport: { width: 1280, height: 1400 }, serviceWorkers: 'block' });
  contexts.push(c);
  const d = new DashboardPage(await c.newPage());
  await d.open(svc.url, `#/line/line-a?from=${shift.start}&to=${shift.end}`);
  await d.signIn('lead-a', 'lead-pass');
  const page = d.page;
  const lineCall = (e: FloorEvent[]) => page.getByTestId(`line-call-${e[0]!.id}`);

  // The andon panel shows the shift's calls (the one raised before it was open in it), not today's open call.
  await expect(lineCall(calls.inShift)).toBeVisible({ timeout: 15_000 });
  await expect(lineCall(calls.across)).toBeVisible();
  await expect(lineCall(calls.today)).toHaveCount(0);
  await expect(page.getByTestId('line-calls-summary')).toContainText('Calls: 2 ·');

  // Pareto by reason: the top five, then "Other" with the one-minute stop; shares of the whole, so the last row is at 100 %.
  const pareto = page.getByTestId('pareto-reason');
  await expect(pareto.locator('tbody tr')).toHaveCount(6);
  const other = pareto.locator('tr[data-key="other:"]');
  await expect(other).toContainText('Other');
  await expect(other).toContainText('100%');
  await expect(pareto.locator('tbody tr').last()).toHaveAttribute('data-key', 'other:');

  // Production per hour: bars (and the cumulative lines) from y = 0, as uPlot drew them.
  const hourly = page.getByRole('figure', { name: 'Production per hour' });
  await expect(hourly).toHaveAttribute('data-drawn', 'true');
  await expect(hourly).toHaveAttribute('data-scale-min', 'n=0 c=0');
  await page.screenshot({ path: `${OUT}/line-view-past-shift-en.png`, fullPage: true });

  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(other).toContainText('Andere');

  // The current shift: today's open call is there, the past shift's are not.
  await page.getByTestId('window').selectOption('now');
  await expect(lineCall(calls.today)).toBeVisible({ timeout: 15_000 });
  await expect(lineCall(calls.inShift)).toHaveCount(0);
  await expect(lineCall(calls.across)).toHaveCount(0);

  // The shift report of the past shift: the same Pareto rows, "Other" last.
  await d.open(svc.url, `#/report/line-a?from=${shift.start}&to=${shift.end}`);
  const reasons = page.getByTestId('report-reasons');
  await expect(reasons.locator('tbody tr')).toHaveCount(6, { timeout: 15_000 });
  await expect(reasons.locator('tbody tr').last()).toHaveAttribute('data-key', 'other:');
  await expect(reasons.locator('tr[data-key="other:"]')).toContainText('Andere');
  await page.getByTestId('dashboard-language').selectOption('en');
  await expect(reasons.locator('tr[data-key="other:"]')).toContainText('Other');
  await page.screenshot({ path: `${OUT}/report-en.png`, fullPage: true });
});
