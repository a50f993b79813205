import type { Formats } from './format.ts';

/**
 * A time of day, with day and month when it falls on another day than `day` ("04.12., 22:10"
 * beside "06:30"): a stop that began the evening before must not read as this evening's.
 * A module of its own, not a member of `Formats`: the tablet's first screen carries only this one line
 * of it (`i18n.time(ms, day)`).
 */
export const timeOn = (fm: Formats, ms: number, day: number): string => (fm.date(ms) === fm.date(day) ? fm.time(ms) : `${fm.dayMonth(ms)}, ${fm.time(ms)}`);
