import type { LossCategory } from './plant.schema.ts';
import { isFlicker, isReasonAsked } from './station-state/awaiting.ts';

/** A message catalog lookup, as the dashboards and the report (page, PDF, email) have one. */
type Translate = (key: string, params?: Record<string, string | number>) => string;

/**
 * What a stop without a reason is called, for every screen and report that lists stops or losses.
 * A changeover (or a machine in setup) and a planned stop are asked for no reason (`isReasonAsked`,
 * as `isAwaitingReason`), so they are named for what they are, never as missing one; any other stop
 * is "no reason yet", with its loss when known (and `isLossNamed`: a board tile names the loss in
 * its hint instead).
 */
export function unreasonedLabel(loss: LossCategory | null | undefined, t: Translate, isLossNamed = true): string {
  if (loss && !isReasonAsked(loss)) return t(`dash.reason.${loss}`);
  return loss && isLossNamed ? t('dash.reason.none-loss', { loss: t(`dash.loss.${loss}`) }) : t('dash.reason.none');
}

/**
 * What a listed stop without a reason is called (the line view's stop list, the shift report):
 * one wholly in a break or off shift is no loss, one under a second a flicker nobody is asked
 * about (`isFlicker`); any other is named by `unreasonedLabel`.
 */
export function unreasonedStopLabel(s: { loss: LossCategory; isOffShift?: boolean; start: number; end: number; isOpen: boolean }, t: Translate): string {
  if (s.isOffShift === true) return t('dash.stops.off-shift');
  return isFlicker(s) ? t('dash.reason.flicker') : unreasonedLabel(s.loss, t);
}
