import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import { shiftInstances, type ShiftInstance } from '../../../src/core/oee/calendar.ts';
import type { FloorEvent } from '../../../src/core/events.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';
import { EventMaker, MIN, id } from '../../core/oee/fixtures.ts';
import { DashboardPage } from '../dashboard-pages.ts';
import { FIXTURE_PLANT } from './test-service.ts';

/** A dashboard user of the fixture plant. */
export interface SignIn {
  userId: string;
  password: string;
}
export const LEAD_A: SignIn = { userId: 'lead-a', password: 'lead-pass' };
export const MANAGER: SignIn = { userId: 'mgr', password: 'mgr-pass' };

/** The app's `hash` at `url` on `page`, signed in on its dashboards as `who`. */
export async function signedIn(page: Page, url: string, hash: string, who: SignIn): Promise<DashboardPage> {
  const d = new DashboardPage(page);
  await d.open(url, hash);
  await d.signIn(who.userId, who.password);
  return d;
}

/**
 * Line A's view of `window` as its lead sees it, 1280 px wide, in a browser context of its own
 * (added to `contexts`: the test closes them after it).
 */
export async function leadLineView(browser: Browser, contexts: BrowserContext[], url: string, window: { start: number; end: number }, height: number): Promise<DashboardPage> {
  const c = await browser.newContext({ viewport: { width: 1280, height }, serviceWorkers: 'block' });
  contexts.push(c);
  return signedIn(await c.newPage(), url, `#/line/line-a?from=${window.start}&to=${window.end}`, LEAD_A);
}

/** The fixture plant's last shift (of `shiftId` when given) that ended 10 min ago or earlier, looked for over the last `days`. */
export function lastEndedShift(o: { shiftId?: string; days?: number } = {}): ShiftInstance {
  const plant = plantSchema.parse(JSON.parse(readFileSync(FIXTURE_PLANT, 'utf8')));
  const now = Date.now();
  const shifts = shiftInstances(plant.calendar, now - (o.days ?? 1) * 86_400_000, now);
  return shifts.filter((s) => (o.shiftId === undefined || s.shiftId === o.shiftId) && s.end <= now - 10 * MIN).at(-1)!;
}

/** Line A's station a1 as its tablet (`AT_A1`, operator op-a) and its gateway (`GW_A1`) send events. */
export const AT_A1 = { lineId: 'line-a', stationId: 'a1', deviceId: 'tab-e2e-a1' };
export const GW_A1 = { lineId: 'line-a', stationId: 'a1', deviceId: 'gw-e2e-a1' };
export type Payload = Parameters<EventMaker['ev']>[1];

/**
 * Events of line A's station a1 from `start`, by minute: an operator's (`ev`, or the gateway's
 * with `GW_A1`), and a stop's start and end (`stop`, id 9000 + n).
 */
export function shiftMaker(start: number) {
  const m = new EventMaker();
  const ev = (min: number, p: Payload, who = AT_A1) => ({ ...m.ev(start + Math.round(min * MIN), p, who), author: who === AT_A1 ? 'op-a' : 'gw-a' }) as FloorEvent;
  const stop = (from: number, to: number, n: number, reasonId?: string) => {
    const stopId = id(9000 + n);
    return [ev(from, { type: 'stop.start', stopId, ...(reasonId ? { reasonId } : {}) }), ev(to, { type: 'stop.end', stopId })];
  };
  return { ev, stop };
}
