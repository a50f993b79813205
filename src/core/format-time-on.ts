import type { Formats } from './format.ts';

/**
 * Whether `ms` falls on another day than `day`, in the reader's zone: the one place that decides
 * when a time needs its day and month (`timeOn`), or a heading says since which day.
 */
export const isOtherDay = (fm: Formats, ms: number, day: number): boolean => fm.date(ms) !== fm.date(day);

/**
 * A time of day, with day and month when it falls on another day than `day` ("04.12., 22:10"
 * beside "06:30"): a stop that began the evening before must not read as this evening's.
 * `time` writes the time of day (`fm.time` unless given: `timeWithSeconds` (format-seconds.ts) for a split).
 * A module of its own, not a member of `Formats`: the tablet's first screen carries only these two lines
 * of it (`i18n.time(ms, day)`, `i18n.isOtherDay`).
 */
export const timeOn = (fm: Formats, ms: number, day: number, time: (ms: number) => string = fm.time): string =>
  isOtherDay(fm, ms, day) ? `${fm.dayMonth(ms)}, ${time(ms)}` : time(ms);
