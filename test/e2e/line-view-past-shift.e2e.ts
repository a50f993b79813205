import { mkdir } from 'node:fs/promises';
import { test, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import type { FloorEvent } from '../../src/core/events.schema.ts';
import { MIN, id } from '../core/oee/fixtures.ts';
import type { DashboardPage } from './dashboard-pages.ts';
import { AT_A1, GW_A1, lastEndedShift, leadLineView as lineView, shiftMaker, type Payload } from './support/past-shift.ts';
import { TestService } from './support/test-service.ts';

const OUT = 'test-results/line-view-past-shift';
let svc: TestService;
const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
  await svc?.dispose();
});

/** Line A's view of `window` as its lead sees it, 1280 px wide. */
const leadLineView = (browser: Browser, window: { start: number; end: number }, height: number): Promise<DashboardPage> => lineView(browser, contexts, svc.url, window, height);

/** Line A's last ended shift: six kinds of lost time (five reasons and a one-minute stop nobody classified), and counts of 430 to 640 in every hour (no hour at zero). */
function lostTime(start: number): FloorEvent[] {
  const { ev, stop } = shiftMaker(start);
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
  const raise = { v: 1, ...AT_A1, id: id(8000 + n), seq: 1000 + n, ts: raisedAt, author: 'op-a', type: 'andon.raise', kind: 'material', trigger: 'button', cause: `button|tab-e2e-a1|${n}`, note } as FloorEvent;
  if (resolvedAt === null) return [raise];
  const resolve = { v: 1, ...AT_A1, deviceId: 'floorboard-andon', id: id(8100 + n), seq: n, ts: resolvedAt, author: 'lead-a', type: 'andon.resolve', callId: raise.id, how: 'hand', note: 'done' } as FloorEvent;
  return [raise, resolve];
}

test('a past shift in the lead\'s line view: its own andon calls, a Pareto with "Other", bars from zero; the report says "Other" too', async ({ browser }) => {
  await mkdir(OUT, { recursive: true });
  const now = Date.now();
  const shift = lastEndedShift();
  const calls = {
    // Raised in the shift and resolved in it; raised before it and resolved in it; raised today and still open.
    inShift: call(1, shift.start + 60 * MIN, shift.start + 70 * MIN, 'coil in shift'),
    across: call(2, shift.start - 30 * MIN, shift.start + 20 * MIN, 'coil across start'),
    today: call(3, now - 5 * MIN, null, 'coil today'),
  };
  svc = await TestService.start(undefined, undefined, { keepBreaks: true });
  await svc.storeHistory([...lostTime(shift.start), ...calls.inShift, ...calls.across, ...calls.today]);

  const d = await leadLineView(browser, shift, 1400);
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

const WALK = 'test-results/line-view-ux-walk';

/**
 * Line A's last ended early shift (06:00-14:00, lunch 10:00-10:30): a breakdown of 30 min 40 s, a
 * changeover of 19 min 40 s, a stop wholly in the lunch break, and rejects only from the machine's counter.
 */
function shiftWithBreakStop(start: number): FloorEvent[] {
  const { ev, stop } = shiftMaker(start);
  const counter = (min: number, total: number, rejectTotal: number) => ev(min, { type: 'machine.counter', total, rejectTotal } as unknown as Payload, GW_A1);
  // The gateway's heartbeat every 30 s: it watched the whole shift (no "no data" in the way).
  const heartbeats = Array.from({ length: 960 }, (_, k) => ev(k / 2, { type: 'machine.heartbeat' } as unknown as Payload, GW_A1));
  return [
    ...heartbeats,
    counter(1, 10_000, 100),
    counter(200, 12_000, 103),
    counter(470, 14_000, 105),
    // 30 min 40 s and 19 min 40 s: 50 min 20 s of stop time, whose parts, each cut to whole minutes, would sum to 49.
    ...stop(60, 90 + 40 / 60, 1, 'breakdown'),
    ev(120, { type: 'changeover.start', toProductId: 'gadget' }),
    ev(139 + 40 / 60, { type: 'changeover.end', productId: 'gadget' }),
    // Lunch is 10:00-10:30: this stop lies wholly in it.
    ...stop(245, 265, 2),
  ];
}

/**
 * Label boxes of the timeline's axis: inside the figure and none touching another. Polled: after a
 * resize the axis is laid out again on the ResizeObserver's next call, a frame or so later.
 */
async function expectAxisReadable(page: Page) {
  await expect(async () => {
    const boxes = await page.getByTestId('timeline-ticks').evaluate((el) => {
      const outer = el.getBoundingClientRect();
      const spans = [...el.querySelectorAll('span:not(.measure)')].map((s) => s.getBoundingClientRect());
      return { outer: [outer.left, outer.right], spans: spans.map((r) => [r.left, r.right]) };
    });
    expect(boxes.spans.length).toBeGreaterThan(3);
    for (const [l, r] of boxes.spans) {
      expect(l).toBeGreaterThanOrEqual(boxes.outer[0]! - 0.5);
      expect(r).toBeLessThanOrEqual(boxes.outer[1]! + 0.5);
    }
    const sorted = boxes.spans.sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]![0]).toBeGreaterThan(sorted[i - 1]![1]! + 4);
  }).toPass({ timeout: 5000 });
}

test("the lead's line view from the UX walk: a break stop named as such, stop time as the report sums it, a readable axis, the day in the app's language; the report's scrap rows sum to its rejects", async ({ browser }) => {
  await mkdir(WALK, { recursive: true });
  const shift = lastEndedShift({ shiftId: 'early', days: 2 });
  svc = await TestService.start(undefined, undefined, { keepBreaks: true });
  await svc.storeHistory(shiftWithBreakStop(shift.start));

  const d = await leadLineView(browser, shift, 1600);
  const page = d.page;

  // 1. The stop in the lunch break wears the timeline's planned-stop look and says what it is.
  const breakStop = page.locator(`tr[data-stop="${id(9000 + 2)}"]`);
  await expect(breakStop).toBeVisible({ timeout: 15_000 });
  await expect(breakStop.locator('.badge')).toHaveAttribute('data-state', 'planned');
  await expect(breakStop.locator('.badge')).toContainText('Break or off shift');
  await expect(page.locator(`tr[data-stop="${id(9000 + 1)}"] .badge`)).toHaveAttribute('data-state', 'stopped');
  await expect(page.locator('rect[data-state="planned"]').first()).toHaveAttribute('aria-label', /^Planned stop: break /);

  // Stopped + changeover, summed as the report's "Stop time": written in whole minutes that add up (the legend says the same).
  await expect(page.getByTestId('legend-stopped')).toContainText('Stopped 31 min');
  await expect(page.getByTestId('legend-changeover')).toContainText('Changeover 19 min');
  await expect(page.getByTestId('timeline-stop-time')).toHaveText('Stop time, as in the shift report: 50 min = ■ Stopped 31 min + ⟳ Changeover 19 min');

  // 2. The axis of the 8 h shift, at 1280 and 1024 wide.
  await expectAxisReadable(page);
  await page.screenshot({ path: `${WALK}/line-view-shift-1280-en.png`, fullPage: true });
  await page.setViewportSize({ width: 1024, height: 1600 });
  await expectAxisReadable(page);

  // 4. The day: written in the app's language, a day back with the keyboard, forward again.
  // 5. From here on the service's audit answer holds an entry of a kind this version does not know (a newer service's).
  await page.route('**/api/audit?*', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as { entries: unknown[] };
    const stop = { start: shift.start + 60 * MIN, durationMs: 30 * MIN, stationId: 'a1', isOpen: false };
    body.entries.push({ id: id(9900), kind: 'merge', lineId: 'line-a', stationId: 'a1', stop, author: 'lead-a', authorName: 'Lea Lead', ts: shift.start + 300 * MIN, target: id(9001), before: null, targetTs: null, after: null, reason: 'newer', isVoided: false });
    await route.fulfill({ response, json: body });
  });
  const dayLabel = page.getByTestId('day-label');
  const long = (locale: string, ms: number) => new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(ms);
  await expect(dayLabel).toHaveText(long('en', shift.start));
  await page.getByTestId('day-previous').focus();
  await page.keyboard.press('Enter');
  await expect(dayLabel).toHaveText(long('en', shift.start - 86_400_000));
  await page.getByRole('button', { name: `Next day: ${long('en', shift.start)}` }).click();
  await expect(dayLabel).toHaveText(long('en', shift.start));
  await expect(page.getByTestId('audit-unreadable')).toHaveText('Changes this version cannot show: 1. Reload the page to see them.');
  // Now the 24 h day: its axis too, at 1024 and 1280 wide.
  await expect(page.locator('[data-testid="timeline"]')).toBeVisible();
  await expectAxisReadable(page);
  await page.screenshot({ path: `${WALK}/line-view-day-1024-en.png`, fullPage: true });
  await page.setViewportSize({ width: 1280, height: 1600 });
  await expectAxisReadable(page);
  const box = await page.getByTestId('day-previous').boundingBox();
  expect(Math.min(box!.width, box!.height)).toBeGreaterThanOrEqual(44);

  // German: the day, the chip, the stop time.
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(dayLabel).toHaveText(long('de', shift.start));
  await expect(breakStop.locator('.badge')).toContainText('Pause oder keine Schicht');
  await expect(page.getByTestId('audit-unreadable')).toHaveText('Änderungen, die diese Version nicht zeigen kann: 1. Laden Sie die Seite neu, um sie zu sehen.');
  await expect(page.getByTestId('timeline-stop-time')).toContainText('Stillstandszeit wie im Schichtbericht: 50 Min. = ■ Gestoppt 31 Min. + ⟳ Umrüsten 19 Min.');
  await expect(page.getByRole('button', { name: `Vorheriger Tag: ${long('de', shift.start - 86_400_000)}` })).toBeVisible();
  await expectAxisReadable(page);
  await page.screenshot({ path: `${WALK}/line-view-day-1280-de.png`, fullPage: true });

  // 3. The shift report: rejects 5 (machine counter), and scrap by reason says where they came from.
  await page.getByTestId('dashboard-language').selectOption('en');
  await d.open(svc.url, `#/report/line-a?from=${shift.start}&to=${shift.end}`);
  await expect(page.getByTestId('report-reject')).toHaveText('5', { timeout: 15_000 });
  await expect(page.getByTestId('report-stop')).toHaveText('50 min');
  const scrap = page.getByTestId('report-scrap');
  await expect(scrap.locator('tbody tr[data-key="machine"]')).toHaveText(/Machine rejects \(no reason given\)\s*5/);
  await page.screenshot({ path: `${WALK}/report-en.png`, fullPage: true });
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(scrap.locator('tbody tr[data-key="machine"]')).toHaveText(/Maschinenausschuss \(ohne Grund\)\s*5/);
  await page.screenshot({ path: `${WALK}/report-de.png`, fullPage: true });
});

test("the lead's stop list: a stop open since the evening before shows its date and says it is still open; one from today shows its time only", async ({ browser }) => {
  const now = new Date();
  const dayStart = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const eveningBefore = dayStart - 2 * 60 * MIN;
  // By minute from the day's start.
  const { ev } = shiftMaker(dayStart);
  svc = await TestService.start();
  await svc.storeHistory([
    ev(-120, { type: 'stop.start', stopId: id(9101), reasonId: 'breakdown' }),
    ev(0, { type: 'stop.start', stopId: id(9102), reasonId: 'jam' }),
    ev(1000 / MIN, { type: 'stop.end', stopId: id(9102) }),
  ]);
  const d = await leadLineView(browser, { start: dayStart, end: dayStart + 24 * 60 * MIN }, 1400);
  const page = d.page;
  const open = page.locator(`tr[data-stop="${id(9101)}"]`);
  await expect(open).toBeVisible({ timeout: 15_000 });
  const before = new Date(eveningBefore);
  const mmdd = `${String(before.getMonth() + 1).padStart(2, '0')}/${String(before.getDate()).padStart(2, '0')}`;
  // It began the evening before; it counts in this day from midnight.
  await expect(open.locator('td').nth(0)).toHaveText(`${mmdd}, 10:00\u202fPMcounted in this view from 12:00\u202fAM`);
  await expect(open.locator('td').nth(1)).toContainText('still open');
  // The whole duration on one line, however long.
  const cell = await open.locator('td').nth(1).evaluate((td) => getComputedStyle(td).whiteSpace);
  expect(cell).toBe('nowrap');
  await expect(page.locator(`tr[data-stop="${id(9102)}"] td`).nth(0)).toHaveText('12:00\u202fAM');
  await page.getByTestId('dashboard-language').selectOption('de');
  await expect(open.locator('td').nth(0)).toHaveText(`${mmdd.split('/').reverse().join('.')}., 22:00in dieser Ansicht ab 00:00 gezählt`);
  await expect(open.locator('td').nth(1)).toContainText('noch offen');
  // The day's figures, not the current shift's: the stop time is the whole day's, and its one part says the same.
  // As the day has it so far: no hours in its first hour, no minutes just after a full hour.
  await expect(page.getByTestId('timeline-stop-time')).toHaveText(/^Stillstandszeit wie im Schichtbericht: ((?:\d+ Std\.)?(?: ?\d+ (?:Min|Sek)\.)?) = ■ Gestoppt \1$/);
  const [, h, min] = /: (?:(\d+) Std\.)? ?(?:(\d+) Min\.)?/.exec((await page.getByTestId('timeline-stop-time').textContent())!)!.map((n) => Number(n ?? 0));
  expect(Math.abs(h! * 60 + min! - (Date.now() - dayStart) / MIN)).toBeLessThan(3);
  await page.screenshot({ path: `${OUT}/stop-list-evening-before-de.png`, fullPage: true });
});
