import type { LossCategory } from '../plant.schema.ts';

/**
 * THE rule for "awaiting a reason", used by the live status, the stop list (`needsReason=1`) and
 * the tablet: a stop awaits a reason while it has none the plant knows, unless it is booked to
 * setup (a changeover or a machine's setup state needs none). Minor stops await one too: they are
 * listed and flagged (`isSmallStop`), never silently left out. A stop wholly in a break or off
 * shift (`isOffShift`) is no loss and awaits none; nor does a stop that ended within a second
 * (`FLICKER_MS`: a machine's state flickering, shown as "0 s"): nobody can say why, and an
 * operator asked for it learns to pick any reason. An open stop always awaits one.
 * @example isAwaitingReason({ reasonId: null, loss: 'minor-stop', start: 0, end: 5000, isOpen: false }) // true
 */
export function isAwaitingReason(s: { reasonId: string | null; loss: LossCategory; isOffShift?: boolean; start: number; end: number; isOpen: boolean }): boolean {
  return s.reasonId === null && isReasonAsked(s.loss) && s.isOffShift !== true && !isFlicker(s);
}

/**
 * Whether a stop booked to `loss` is asked for a reason: not a changeover or setup, not a planned
 * stop (they are what they are). `isAwaitingReason` and what a stop without a reason is called
 * (`unreasonedLabel`) both take it from here, so no screen calls a planned stop "no reason yet".
 */
export const isReasonAsked = (loss: LossCategory): boolean => loss !== 'setup' && loss !== 'planned';

/** A closed stop under `FLICKER_MS`: listed as such ("Under 1 s: no reason needed"), asked about by nobody. */
export function isFlicker(s: { start: number; end: number; isOpen: boolean }): boolean {
  return !s.isOpen && s.end - s.start < FLICKER_MS;
}

/** A closed stop shorter than this is a flicker of the machine's state: listed, asked about by nobody. */
export const FLICKER_MS = 1000;

/**
 * THE order of stops awaiting a reason: by start, then by stop id. Stops can start at the same
 * instant (a machine stop and an operator's), and the service's status and the tablet's overlay
 * must list (and keep the newest `MAX_AWAITING_IN_STATUS` of) the very same ones.
 */
export const compareAwaiting = (a: { start: number; stopId: string }, b: { start: number; stopId: string }): number =>
  a.start - b.start || (a.stopId < b.stopId ? -1 : a.stopId > b.stopId ? 1 : 0);

/** Stops with a reason, newest first: the order a tablet lists them in, and the ones a status keeps. */
export const compareClassified = (a: { start: number; stopId: string }, b: { start: number; stopId: string }): number => compareAwaiting(b, a);

/** A stop shorter (so far) than the line's small-stop threshold, as the engine books it. */
export const isSmallStop = (s: { loss: LossCategory }): boolean => s.loss === 'minor-stop';
