import { TZDate } from '@date-fns/tz';
import { z } from 'zod';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateTime = z.iso.datetime({ offset: true });

/** A --from/--to value: a date, or a date-time that says its offset (a bare local time is ambiguous across DST). */
export const timeArgSchema = z
  .string()
  .refine((s) => DATE_ONLY.test(s) || dateTime.safeParse(s).success, {
    message: 'must be a date "2026-03-02" or a date-time with seconds and offset "2026-03-02T06:00:00+01:00" / "...Z"',
  });

/** Milliseconds since the epoch for a validated time argument; a bare date is midnight in the plant's time zone. */
export function timeArgToMs(value: string, timezone: string): number {
  const m = DATE_ONLY.exec(value);
  if (m) return new TZDate(Number(m[1]), Number(m[2]) - 1, Number(m[3]), timezone).getTime();
  return Date.parse(value);
}
