/**
 * A time of day with seconds in the language's own form ("9:05:30 AM", "09:05:30"), for `timeOn`'s
 * `time` where a stop is split to the second. A module of its own, not a member of `Formats` nor of
 * `format-time-on.ts`: only the split sheet (a lazy chunk) needs it, and the tablet's first screen
 * carries those.
 */
export const timeWithSeconds = (locale: string, timeZone?: string): ((ms: number) => string) => {
  const f = new Intl.DateTimeFormat(locale, { timeZone, timeStyle: 'medium' });
  return (ms) => f.format(ms);
};
