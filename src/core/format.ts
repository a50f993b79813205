/**
 * How every screen, report and export writes numbers, percentages, dates, times and durations:
 * through `Intl` in the reader's language ("9,1 %" and "04.12.2026" in German, "9.1%" and
 * "12/04/2026" in English). Pure (ECMA-402 only); the app binds it to the user's language in
 * `src/app/managers/format.svelte.ts`, a server-side report passes the language it writes in.
 *
 * @example
 *   formats('de').percent(0.0912, 1) // "9,1 %"
 *   formats('de').date(Date.UTC(2026, 11, 4, 12)) // "04.12.2026"
 */
export interface Formats {
  readonly locale: string;
  /** A ratio (0.091) as a percentage; `null` (no planned time) is "–", never 0 % or 100 %. */
  percent(ratio: number | null | undefined, digits?: number): string;
  /** A count or measure with grouping ("18.848" in German); `null` is "–". */
  number(value: number | null | undefined, digits?: number): string;
  /** A duration in words: "45 sec", "12 min", "1 hr 5 min" ("1 Std. 5 Min." in German). */
  duration(ms: number): string;
  /** A duration as a running clock "h:mm:ss", hours always ("0:02:04"): never read as hours and minutes (time in state). */
  clock(ms: number): string;
  /** A number of days: "28 days", "28 Tage". */
  days(n: number): string;
  /** A calendar date with two-digit day and month: "04.12.2026", "12/04/2026". */
  date(ms: number): string;
  /** Day and month only, where the year is plain (chart ticks): "04.12.", "12/04". */
  dayMonth(ms: number): string;
  /** A time of day, hours and minutes: "09:05", "9:05 AM". */
  time(ms: number): string;
  /** Date and time: "04.12.2026, 14:05". */
  dateTime(ms: number): string;
  /** A weekday's short name, Monday = 0: "Mon", "Mo". */
  weekday(mondayBased: number): string;
}

const DASH = '–';
const cache = new Map<string, Formats>();

/** The formats of one language (built once per language and time zone: Intl formatters are costly to make). */
export function formats(locale: string, timeZone?: string): Formats {
  const key = `${locale}|${timeZone ?? ''}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = build(locale, timeZone)));
  return f;
}

function build(locale: string, timeZone: string | undefined): Formats {
  const zone = timeZone ? { timeZone } : {};
  const numbers = new Map<string, Intl.NumberFormat>();
  const numberFormat = (style: 'percent' | 'decimal', digits: number) => {
    const k = `${style}${digits}`;
    let nf = numbers.get(k);
    if (!nf) numbers.set(k, (nf = new Intl.NumberFormat(locale, { style, minimumFractionDigits: digits, maximumFractionDigits: digits })));
    return nf;
  };
  const unit = (u: 'second' | 'minute' | 'hour') => new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'short' });
  const [sec, min, hr] = [unit('second'), unit('minute'), unit('hour')];
  const date = new Intl.DateTimeFormat(locale, { ...zone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const dayMonth = new Intl.DateTimeFormat(locale, { ...zone, day: '2-digit', month: '2-digit' });
  const days = new Intl.NumberFormat(locale, { style: 'unit', unit: 'day', unitDisplay: 'long' });
  // The language's own short time ("09:05" in German, "9:05 AM" in English; fixed 2-digit hours gave "09:05 AM").
  const time = new Intl.DateTimeFormat(locale, { ...zone, timeStyle: 'short' });
  const weekday = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  const isNumber = (x: number | null | undefined): x is number => typeof x === 'number' && Number.isFinite(x);
  return {
    locale,
    percent: (ratio, digits = 0) => (isNumber(ratio) ? numberFormat('percent', digits).format(ratio) : DASH),
    number: (value, digits = 0) => (isNumber(value) ? numberFormat('decimal', digits).format(value) : DASH),
    duration(ms) {
      const s = Math.max(0, Math.floor(ms / 1000));
      if (s < 60) return sec.format(s);
      const m = Math.floor(s / 60);
      if (m < 60) return min.format(m);
      return m % 60 === 0 ? hr.format(m / 60) : `${hr.format(Math.floor(m / 60))} ${min.format(m % 60)}`;
    },
    clock(ms) {
      const s = Math.max(0, Math.floor(ms / 1000));
      const h = Math.floor(s / 3600);
      const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
      const ss = String(s % 60).padStart(2, '0');
      return `${h}:${mm}:${ss}`;
    },
    days: (n) => days.format(n),
    date: (ms) => date.format(ms),
    dayMonth: (ms) => dayMonth.format(ms),
    time: (ms) => time.format(ms),
    dateTime: (ms) => `${date.format(ms)}, ${time.format(ms)}`,
    // 2024-01-01 was a Monday.
    weekday: (mondayBased) => weekday.format(Date.UTC(2024, 0, 1 + mondayBased)),
  };
}
