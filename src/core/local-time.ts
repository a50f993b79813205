import { TZDate } from '@date-fns/tz';

/**
 * Times people type (CLI flags, imported logs, query strings): a date, a local wall time in the
 * plant's time zone, or a time with its offset. One parser, so every boundary refuses the same
 * impossible dates with the same words.
 */
const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** The accepted forms, for messages and help text. */
export const LOCAL_TIME_FORMS = 'a date "2026-03-02" (local midnight), a local time "2026-03-02T06:00" (plant time zone) or a time with offset "2026-03-02T06:00:00+01:00" / "...Z"';

interface Parts {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Offset east of UTC in minutes, or null for a local wall time. */
  offsetMin: number | null;
}

const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

/** The parts of a time, or why it is not one (an impossible date names the part that does not exist). */
function parse(value: string): Parts | string {
  const m = FORM.exec(value.trim());
  if (!m) return `must be ${LOCAL_TIME_FORMS}`;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12) return `month ${m[2]} does not exist`;
  if (d < 1 || d > daysIn(y, mo)) return `day ${m[3]} does not exist in ${m[1]}-${m[2]} (it has ${daysIn(y, mo)} days)`;
  if (h > 23) return `hour ${m[4]} does not exist (00-23)`;
  if (mi > 59) return `minute ${m[5]} does not exist (00-59)`;
  if (s > 59) return `second ${m[6]} does not exist (00-59)`;
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  let offsetMin: number | null = null;
  const off = m[8];
  if (off === 'Z') offsetMin = 0;
  else if (off) {
    const digits = off.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2, 4));
    if (oh > 14 || om > 59) return `offset ${off} does not exist`;
    offsetMin = (off[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { y, mo, d, h, mi, s, ms, offsetMin };
}

/** Why `value` is not a time people may type, or null when it is one. */
export function localTimeProblem(value: string): string | null {
  const p = parse(value);
  return typeof p === 'string' ? p : null;
}

/**
 * Milliseconds since the epoch of a time `localTimeProblem` accepts. Without an offset it is a wall
 * time in `timezone` (a bare date is local midnight); a wall time skipped by DST maps forward.
 * @example localTimeToMs('2026-03-02T06:00', 'Europe/Berlin') === Date.parse('2026-03-02T05:00:00Z')
 * @throws RangeError when the value is not one (check with `localTimeProblem` first).
 */
export function localTimeToMs(value: string, timezone: string): number {
  const p = parse(value);
  if (typeof p === 'string') throw new RangeError(`"${value}": ${p}`);
  if (p.offsetMin !== null) return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms) - p.offsetMin * 60_000;
  return new TZDate(p.y, p.mo - 1, p.d, p.h, p.mi, p.s, p.ms, timezone).getTime();
}

/** Local midnight (in `timezone`) of the day holding `ts`, and of the day after `days` more. */
export function localDayStart(ts: number, timezone: string, days = 0): number {
  const t = new TZDate(ts, timezone);
  return new TZDate(t.getFullYear(), t.getMonth(), t.getDate() + days, timezone).getTime();
}
