/**
 * The split sheet's time, in whole seconds from the stop's start. `asked` is what the operator
 * typed (minutes and seconds, seconds over 59 carried into the minutes); the split itself is that,
 * moved inside the stop when it lies outside. Each field changes only its own part of `asked`:
 * a time moved inside the stop must not replace what was typed in the other field (UX walk:
 * 1:59 typed into a stop of 1:09 and then 0 minutes gave 0:09, not 0:59).
 *
 * @example
 * const range = { firstS: 1, lastS: 69 };
 * let asked = withMinutes(35, 2); // 2:35, split at 1:09
 * asked = withSeconds(asked, 59); // 2:59, split at 1:09
 * asked = withMinutes(asked, 0); // 0:59
 * splitOffset(asked, range); // 59
 */
export interface SplitRange {
  /** The earliest and latest split, in seconds from the stop's start. */
  firstS: number;
  lastS: number;
}

/** The range of a stop lasting `totalMs`: a split stays at least a second inside each end. */
export function splitRange(totalMs: number): SplitRange {
  return { firstS: 1, lastS: Math.max(1, Math.floor((totalMs - 1000) / 1000)) };
}

const whole = (n: number) => Math.max(0, Math.round(Number.isFinite(n) ? n : 0));

export const askedMinutes = (askedS: number) => Math.floor(askedS / 60);
export const askedSeconds = (askedS: number) => askedS % 60;

/** `asked` with its minutes set to `m`, its seconds kept. */
export const withMinutes = (askedS: number, m: number) => whole(m) * 60 + askedSeconds(askedS);

/** `asked` with its seconds set to `s` (over 59 carry into the minutes), its minutes kept. */
export const withSeconds = (askedS: number, s: number) => askedMinutes(askedS) * 60 + whole(s);

/** Where the split falls for `asked`: inside the range. */
export const splitOffset = (askedS: number, { firstS, lastS }: SplitRange) => Math.min(lastS, Math.max(firstS, askedS));
