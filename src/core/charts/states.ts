import type { LineState } from '../live.schema.ts';
import type { LossCategory } from '../plant.schema.ts';

/**
 * What every dashboard screen shows as a line's state. One list, one palette, one icon and one
 * pattern per state, so the board, the TV, the line view and the print report never disagree and
 * never tell a state by colour alone.
 */
export const displayStates = ['running', 'small-stop', 'stopped', 'changeover', 'planned', 'not-scheduled', 'no-data', 'unknown'] as const;
export type DisplayState = (typeof displayStates)[number];

export interface StateStyle {
  /** Okabe-Ito palette: distinguishable with the common colour-vision deficiencies. */
  colour: string;
  /** Text colour readable on `colour` (WCAG AA for large text). */
  ink: string;
  /**
   * A glyph shown beside the name: the second channel besides colour. Plain text symbols that
   * common fonts carry (DejaVu, Noto, Segoe): "⏸" showed as an empty box on a Linux board.
   */
  icon: string;
  /** Fill pattern in bands and bars: the third channel (print in black and white too). */
  pattern: 'solid' | 'hatch' | 'dots' | 'cross' | 'grid' | 'stripes' | 'none';
}

export const stateStyles: Record<DisplayState, StateStyle> = {
  running: { colour: '#009E73', ink: '#000000', icon: '▶', pattern: 'solid' },
  'small-stop': { colour: '#E69F00', ink: '#000000', icon: '◆', pattern: 'dots' },
  stopped: { colour: '#D55E00', ink: '#000000', icon: '■', pattern: 'hatch' },
  changeover: { colour: '#56B4E9', ink: '#000000', icon: '⟳', pattern: 'cross' },
  planned: { colour: '#CC79A7', ink: '#000000', icon: '‖', pattern: 'grid' },
  'not-scheduled': { colour: '#8C8C8C', ink: '#000000', icon: '–', pattern: 'none' },
  // Time nobody saw (ADR 0009): pale and striped, so it never reads as running or as a stop.
  'no-data': { colour: '#F2F2F2', ink: '#000000', icon: '∅', pattern: 'stripes' },
  unknown: { colour: '#4D4D4D', ink: '#FFFFFF', icon: '?', pattern: 'none' },
};

/**
 * Whether a line or tile in this state names why under its badge: a stop (small or not) names its
 * reason or "no reason yet", a planned stop what it is. Running, a changeover (it awaits no reason),
 * no shift, no data and an unknown state name none: "no reason yet" there would be a false alarm.
 * The board's tiles and the line view's header take it from here.
 */
export const isReasonShown = (state: DisplayState): boolean => state === 'stopped' || state === 'small-stop' || state === 'planned';

/**
 * Worst first: the order a manager wants to see lines in when sorting by state (core/charts/board.ts
 * sortTiles says why). Losses now first, then lines running; a planned stop (a break, planned
 * maintenance) and no shift lose nothing, so they come after the lines that run.
 */
export const stateSeverity: Record<DisplayState, number> = {
  stopped: 0,
  'no-data': 1,
  unknown: 2,
  'small-stop': 3,
  changeover: 4,
  running: 5,
  planned: 6,
  'not-scheduled': 7,
};

/**
 * Nothing of the window was seen (ADR 0009): its monitored coverage is 0 and time went unseen. What
 * `displayStateOfLine`'s `hasNoData` means, for the board's tiles and the line view alike.
 */
export const isWindowUnseen = (figures: { coverage: number | null; noDataMs: number } | undefined): boolean =>
  figures !== undefined && figures.coverage === 0 && figures.noDataMs > 0;

/**
 * A live line or station state (from a retained status topic) as a display state. An open stop is
 * `stopped` even while under the small-stop threshold: it may yet be long (the status flags it
 * `isSmallStop`; booked history shows small stops as such). `hasNoData`: nothing of the window was
 * seen (OEE coverage 0, ADR 0009). States an older service retained (machine states, `unknown`)
 * still map.
 */
export function displayStateOfLine(state: LineState, isScheduled = true, hasNoData = false, isOffShift = false): DisplayState {
  // Stopped in a break (or off shift): no loss, shown as the planned stop it is, as on the timeline.
  if (state === 'stopped' && isOffShift) return 'planned';
  if (hasNoData && (state === 'unknown' || state === 'idle' || state === 'running')) return 'no-data';
  if (!isScheduled && (state === 'unknown' || state === 'idle')) return 'not-scheduled';
  switch (state) {
    case 'running':
      return 'running';
    case 'setup':
    case 'changeover':
      return 'changeover';
    case 'no-data':
      return 'no-data';
    case 'not-scheduled':
      return 'not-scheduled';
    case 'unknown':
      return 'unknown';
    default:
      return 'stopped';
  }
}

/** A booked stop (history) as a display state, from the loss it is booked to. */
export function displayStateOfLoss(loss: LossCategory | null): DisplayState {
  switch (loss) {
    case null:
      return 'running';
    case 'minor-stop':
      return 'small-stop';
    case 'setup':
      return 'changeover';
    case 'planned':
      return 'planned';
    default:
      return 'stopped';
  }
}

/** Numeric code of a display state, for typed arrays. */
export const stateCode = (s: DisplayState): number => displayStates.indexOf(s);
