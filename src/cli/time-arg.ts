import { z } from 'zod';
import { localTimeProblem, localTimeToMs } from '../core/local-time.ts';

/**
 * A --from/--to/--as-of value: a date, a local time (plant time zone) or a time with offset.
 * An impossible date ("2026-02-30", "2026-13-45") is refused, never rolled over into another one.
 */
export const timeArgSchema = z.string().superRefine((s, ctx) => {
  const problem = localTimeProblem(s);
  if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
});

/** Milliseconds since the epoch for a validated time argument, local forms in the plant's zone. */
export const timeArgToMs = (value: string, timezone: string): number => localTimeToMs(value, timezone);
