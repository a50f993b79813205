/** The one fold of station and line state (ADR 0008): tablet, lead's view, board and service all read it. */
export { StationStateFold, foldStationStates, type FoldedLine } from './fold.ts';
export { isAwaitingReason, isSmallStop } from './awaiting.ts';
export { targetGood, idealCycleMs } from './target.ts';
export { foldsReport } from './live-report.ts';
