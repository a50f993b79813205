import { TZDate } from '@date-fns/tz';
import type { Calendar, Shift } from '../plant.schema.ts';
import { weekdays } from '../plant.schema.ts';
import { LocalClock, tzInstant, type LocalDate } from './local-clock.ts';

const DAY_MS = 86_400_000;

/** One dated occurrence of a shift: real instants, breaks already cut to the shift. */
export interface ShiftInstance {
  shiftId: string;
  start: number;
  end: number;
  /** Sorted, disjoint, inside [start, end). */
  breaks: Array<[number, number]>;
}

/** The local calendar date of an instant in `tz`. */
export function localDateOf(ts: number, tz: string): LocalDate & { weekday: number } {
  const t = new TZDate(ts, tz);
  return { y: t.getFullYear(), m: t.getMonth(), d: t.getDate(), weekday: t.getDay() };
}

/** The instant of local wall time y-m-d hh:mm in `tz` (a time skipped by DST maps forward). */
export function localInstant(date: LocalDate, minutes: number, tz: string): number {
  return tzInstant(date, minutes, tz);
}

/** Local midnight of the day after `date`. */
function nextDate(date: LocalDate): LocalDate {
  const u = new Date(Date.UTC(date.y, date.m, date.d + 1));
  return { y: u.getUTCFullYear(), m: u.getUTCMonth(), d: u.getUTCDate() };
}

const isoOf = (date: LocalDate) =>
  `${date.y}-${String(date.m + 1).padStart(2, '0')}-${String(date.d).padStart(2, '0')}`;
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** JS getDay() (0 = Sunday) to the schema's weekday names. */
const weekdayName = (jsDay: number) => weekdays[(jsDay + 6) % 7] as (typeof weekdays)[number];

type ShiftPattern = Omit<Shift, 'days'>;

/** Wall time `hhmm` on `date`, or on the next day when it falls before `after` (overnight shifts and breaks). */
function instantAtOrAfter(date: LocalDate, hhmm: string, after: number, clock: LocalClock): number {
  const t = clock.instant(date, minutesOf(hhmm));
  return t >= after ? t : clock.instant(nextDate(date), minutesOf(hhmm));
}

function instanceOf(shift: ShiftPattern, date: LocalDate, clock: LocalClock): ShiftInstance {
  const start = clock.instant(date, minutesOf(shift.start));
  const endSame = clock.instant(date, minutesOf(shift.end));
  // `end` not after `start` means the shift runs past midnight.
  const end = endSame > start ? endSame : clock.instant(nextDate(date), minutesOf(shift.end));
  const breaks: Array<[number, number]> = [];
  for (const b of shift.breaks) {
    const bs = instantAtOrAfter(date, b.start, start, clock);
    const be = instantAtOrAfter(date, b.end, bs + 1, clock);
    const s = Math.max(bs, start);
    const e = Math.min(be, end);
    if (e > s) breaks.push([s, e]);
  }
  breaks.sort((a, b) => a[0] - b[0]);
  return { shiftId: shift.id, start, end, breaks: mergePairs(breaks) };
}

function mergePairs(pairs: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const p of pairs) {
    const last = out[out.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else out.push([p[0], p[1]]);
  }
  return out;
}

type CalendarPattern = Pick<Calendar, 'timezone' | 'shifts' | 'exceptions'>;

/** Every occurrence of `calendar`'s shifts on the local dates around [from, to), untrimmed. */
function occurrences(calendar: CalendarPattern, from: number, to: number): ShiftInstance[] {
  const tz = calendar.timezone;
  const clock = new LocalClock(tz);
  const holidays = new Map<string, Set<string> | null>();
  const extras = new Map<string, ShiftPattern[]>();
  for (const ex of calendar.exceptions) {
    if (ex.kind === 'holiday') {
      const prev = holidays.get(ex.date);
      if (prev === null || !ex.shiftIds) holidays.set(ex.date, null);
      else holidays.set(ex.date, new Set([...(prev ?? []), ...ex.shiftIds]));
    } else extras.set(ex.date, [...(extras.get(ex.date) ?? []), ex.shift]);
  }
  const all: ShiftInstance[] = [];
  // Start a day early: an overnight shift from the previous day can reach into the window.
  let date: LocalDate = localDateOf(from - DAY_MS, tz);
  const last = localInstant(localDateOf(to, tz), 0, tz) + DAY_MS;
  for (let guard = 0; guard < 100_000; guard++) {
    const midnight = clock.instant(date, 0);
    if (midnight > last) break;
    const iso = isoOf(date);
    const day = weekdayName(new Date(Date.UTC(date.y, date.m, date.d)).getUTCDay());
    const cancelled = holidays.get(iso);
    for (const shift of calendar.shifts) {
      if (!shift.days.includes(day)) continue;
      if (cancelled === null || cancelled?.has(shift.id)) continue;
      all.push(instanceOf(shift, date, clock));
    }
    for (const extra of extras.get(iso) ?? []) all.push(instanceOf(extra, date, clock));
    date = nextDate(date);
  }
  return all;
}

/**
 * Every shift occurrence overlapping [from, to), sorted by start. Holidays cancel shifts that start
 * on their date; extra shifts add one. Overlapping occurrences are trimmed so time is never in two
 * shifts (the later one starts where the earlier ends). A calendar changed with an effective time
 * (`before`) gives the shifts that start before each `until` from the calendar that ran then.
 */
export function shiftInstances(calendar: Calendar, from: number, to: number): ShiftInstance[] {
  let all: ShiftInstance[];
  if (!calendar.before?.length) all = occurrences(calendar, from, to);
  else {
    all = [];
    let eraStart = -Infinity;
    const before = [...calendar.before].sort((a, b) => Date.parse(a.until) - Date.parse(b.until));
    const eras = [...before.map((c) => ({ ...c, until: Date.parse(c.until) })), { ...calendar, until: Infinity }];
    eras.forEach((era, k) => {
      if (era.until > from - DAY_MS && eraStart < to) {
        for (const inst of occurrences(era, from, to)) {
          if (inst.start >= eraStart && inst.start < era.until) all.push(inst);
          else if (k > 0 && inst.start < eraStart && inst.end > eraStart && eraStart < era.until) {
            const part = underWayPart(inst, eraStart, { ...before[k - 1]!, before: before.slice(0, k - 1) });
            if (part) all.push(part);
          }
        }
      }
      eraStart = Math.max(eraStart, era.until);
    });
  }
  all.sort((a, b) => a.start - b.start || (a.shiftId < b.shiftId ? -1 : a.shiftId > b.shiftId ? 1 : 0));
  const out: ShiftInstance[] = [];
  let covered = -Infinity;
  for (const inst of all) {
    const start = Math.max(inst.start, covered);
    if (inst.end <= start) continue;
    covered = inst.end;
    if (inst.end <= from || inst.start >= to) continue;
    out.push({ ...inst, start, breaks: inst.breaks.filter((b) => b[1] > start).map((b) => [Math.max(b[0], start), b[1]]) });
  }
  return out;
}

/**
 * The part of a shift that was already under way when its calendar version took effect (`at`) that
 * is planned: an extra shift entered after it began counts from its entry on (the time before stays
 * as it was known), in the time the calendar before (`older`) planned no other shift. The shift the
 * older calendar had running then keeps its planned time, unchanged (null). Asked of `older` over
 * the shift's own span, so the answer does not depend on the window asked about.
 */
function underWayPart(inst: ShiftInstance, at: number, older: Calendar): ShiftInstance | null {
  const planned = shiftInstances(older, at, inst.end);
  if (planned.some((o) => o.shiftId === inst.shiftId && o.start <= at && o.end > at)) return null;
  let start = at;
  for (const o of planned) if (o.start <= start && o.end > start) start = o.end;
  const end = planned.reduce((e, o) => (o.start >= start && o.start < e ? o.start : e), inst.end);
  if (end <= start) return null;
  return { ...inst, start, end, breaks: inst.breaks.filter(([bs, be]) => be > start && bs < end).map(([bs, be]) => [Math.max(bs, start), Math.min(be, end)]) };
}

/** Start of the local hour holding `ts` (a zone's hours may start off the UTC hour). */
export function localHourStart(tz: string, ts: number): number {
  return localBoundaries(tz, ts, ts + 1, 'hour')[0] ?? ts - (ts % 3600_000);
}

/** Local midnights (or local hour starts) covering [from, to): boundaries b0 <= from < ... < bn >= to. */
export function localBoundaries(tz: string, from: number, to: number, unit: 'day' | 'hour'): number[] {
  let date: LocalDate = localDateOf(from, tz);
  const out: number[] = [];
  let midnight = localInstant(date, 0, tz);
  for (let guard = 0; guard < 1_000_000; guard++) {
    const next = localInstant(nextDate(date), 0, tz);
    if (unit === 'day') out.push(midnight);
    // Hours are whole real hours from local midnight, so DST days get 23 or 25 buckets.
    else for (let h = midnight; h < next; h += 3_600_000) out.push(h);
    if (next >= to) {
      out.push(next);
      break;
    }
    midnight = next;
    date = nextDate(date);
  }
  let first = 0;
  while (first + 1 < out.length && (out[first + 1] as number) <= from) first++;
  let lastIdx = out.length - 1;
  while (lastIdx - 1 > first && (out[lastIdx - 1] as number) >= to) lastIdx--;
  return out.slice(first, lastIdx + 1);
}
