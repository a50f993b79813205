import { shiftInstances } from '../../../core/oee/calendar.ts';
import type { Calendar } from '../../../core/plant.schema.ts';
import { formats } from '../../../core/format.ts';

/** A date in the viewer's language, in the plant's time zone ("04.12.2026" / "12/04/2026"): core/format.ts, as every screen. */
export const plantDate = (calendar: Calendar, locale: string, ms: number): string => formats(locale, calendar.timezone).date(ms);

/** A time of day in the viewer's language, in the plant's time zone. */
export const plantTime = (calendar: Calendar, locale: string, ms: number): string => formats(locale, calendar.timezone).time(ms);

/**
 * The shift picker's label of a window: "<date> <shift name> <from>–<to>" in the viewer's language.
 * A shift is named by the weekly pattern or, for an extra shift, by its exception ("Saturday
 * special"), else by `extraName`; a window that is no shift shows its dates and times.
 */
export function windowLabel(calendar: Calendar, locale: string, w: { from: number; to: number }, extraName: string): string {
  const instance = shiftInstances(calendar, w.from, w.to).find((s) => s.start === w.from && s.end === w.to);
  const [d, t] = [(ms: number) => plantDate(calendar, locale, ms), (ms: number) => plantTime(calendar, locale, ms)];
  const range = `${t(w.from)}–${t(w.to)}`;
  if (!instance) return d(w.from) === d(w.to) ? `${d(w.from)} ${range}` : `${d(w.from)} ${t(w.from)} – ${d(w.to)} ${t(w.to)}`;
  const weekly = calendar.shifts.find((s) => s.id === instance.shiftId)?.name;
  const extra = calendar.exceptions.find((e) => e.kind === 'extra' && e.shift.id === instance.shiftId)?.name;
  return `${d(w.from)} ${weekly ?? extra ?? extraName} ${range}`;
}

/** A day written out in the viewer's language, in the plant's time zone: "Saturday, 5 December 2026", "Samstag, 5. Dezember 2026". */
export const plantLongDate = (calendar: Calendar, locale: string, ms: number): string =>
  new Intl.DateTimeFormat(locale, { timeZone: calendar.timezone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(ms);

/** The plant-local date of `ms` as a date field's value ("2026-12-05"), whatever the viewer's language. */
export function plantIsoDate(calendar: Calendar, ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: calendar.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}
