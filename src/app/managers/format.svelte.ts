import { formats } from '../../core/format.ts';
import { i18n } from './i18n.svelte.ts';

// The one way screens write numbers, percentages, dates, times and durations: core's `formats`
// in the language the user chose. Each call reads `i18n.locale`, so a template that shows one
// re-renders when the language changes. Never `toFixed`, `toLocale*` or "… %" in a component.
const f = () => formats(i18n.locale);

/** A ratio as a percentage in the user's language ("9,1 %"); null is "–". */
export const percent = (ratio: number | null | undefined, digits = 0): string => f().percent(ratio, digits);
/** A count or measure with the user's grouping and decimal separator; null is "–". */
export const number = (value: number | null | undefined, digits = 0): string => f().number(value, digits);
/** A duration in words ("12 min", "1 Std. 5 Min."). */
export const duration = (ms: number): string => f().duration(ms);
/** A duration as a running clock "h:mm:ss". */
export const clock = (ms: number): string => f().clock(ms);
/** A number of days ("28 Tage"). */
export const days = (n: number): string => f().days(n);
/** Day and month, for chart ticks ("04.12."). */
export const dayMonth = (ms: number): string => f().dayMonth(ms);
/** A calendar date ("04.12.2026"). */
export const date = (ms: number): string => f().date(ms);
/** A time of day ("14:05"). */
export const time = (ms: number): string => f().time(ms);
/** Date and time ("04.12.2026, 14:05"). */
export const dateTime = (ms: number): string => f().dateTime(ms);
/** A weekday's short name in the user's language, Monday = 0. */
export const weekday = (mondayBased: number): string => f().weekday(mondayBased);
