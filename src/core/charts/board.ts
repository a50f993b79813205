import type { LineStatus, OeeSnapshot } from '../live.schema.ts';
import type { Line } from '../plant.schema.ts';
import type { BigLoss } from '../oee/report.ts';
import { displayStateOfLine, isWindowUnseen, stateSeverity, type DisplayState } from './states.ts';
import { idealCycleMs, targetGood } from '../station-state/target.ts';

/** Where a line sits in the plant, as the board groups it. */
export interface LineMeta {
  line: Line;
  areaId: string;
  areaName: string;
}

/** Everything one board tile shows; built from the retained status and OEE snapshot only. */
export interface BoardTile {
  lineId: string;
  name: string;
  areaId: string;
  areaName: string;
  state: DisplayState;
  /** ms in the current state at `now`; null while the state is unknown. */
  timeInStateMs: number | null;
  reasonId: string | null;
  isAwaitingReason: boolean;
  /** The open stop lies in a break or off shift: no loss, no reason needed. */
  isOffShift: boolean;
  /** The open stop is still shorter than the small-stop threshold (the service republishes the status once it outgrows it). */
  isSmallStop: boolean;
  /**
   * The line's open andon calls about its open stop (`callsAboutStop`): someone at the line asked
   * for help with it. 0 while the line runs.
   */
  openCalls: number;
  oee: number | null;
  availability: number | null;
  performance: number | null;
  quality: number | null;
  targetOee: number;
  isScheduled: boolean;
  isPerformanceOverLimit: boolean;
  /** Monitored coverage of the window, shown beside OEE (ADR 0009); null before any scheduled time. */
  coverage: number | null;
  produced: number;
  good: number;
  /** Good parts the line should have made by now at its target OEE; null before any planned time. */
  target: number | null;
  topLoss: { reasonId: string | null; loss: BigLoss; durationMs: number } | null;
  hasLiveData: boolean;
  /** Both the line's status and its OEE snapshot have arrived: what sorting it by state or OEE needs. */
  hasSortKeys: boolean;
}

// The one target formula lives with the station fold; re-exported for the dashboards.
export { idealCycleMs, targetGood } from '../station-state/target.ts';

/**
 * The open calls about a line's open stop: raised for it (a stop rule's call) or while it lasts (a
 * button pressed at the line). An older call, say for material an hour ago, is not about this stop.
 */
export function callsAboutStop(status: Pick<LineStatus, 'stopId' | 'since'> | undefined, calls: readonly { stopId: string | null; raisedAt: number }[]): number {
  if (!status?.stopId) return 0;
  const { stopId, since } = status;
  return calls.filter((c) => c.stopId === stopId || (since !== null && c.raisedAt >= since)).length;
}

/** One tile from what the broker retained for a line (either part may still be missing), with the line's open andon calls. */
export function boardTile(meta: LineMeta, status: LineStatus | undefined, oee: OeeSnapshot | undefined, now: number, calls: readonly { stopId: string | null; raisedAt: number }[] = []): BoardTile {
  const { line } = meta;
  const targetOee = oee?.targetOee ?? line.targetOee;
  const isScheduled = oee?.isScheduled ?? true;
  const top = oee?.topLosses[0];
  // Nothing of the window was seen: "no data", never 0 % or "running" (ADR 0009).
  const hasNoData = isWindowUnseen(oee);
  return {
    lineId: line.id,
    name: line.name,
    areaId: meta.areaId,
    areaName: meta.areaName,
    state: displayStateOfLine(status?.state ?? 'unknown', isScheduled, hasNoData, status?.isOffShift ?? false),
    timeInStateMs: status?.since == null ? null : Math.max(0, now - status.since),
    reasonId: status?.reasonId ?? null,
    isAwaitingReason: status?.isAwaitingReason ?? false,
    isOffShift: status?.isOffShift ?? false,
    openCalls: callsAboutStop(status, calls),
    isSmallStop: status?.isSmallStop ?? false,
    oee: oee?.oee ?? null,
    availability: oee?.availability ?? null,
    performance: oee?.performance ?? null,
    quality: oee?.quality ?? null,
    targetOee,
    isScheduled,
    isPerformanceOverLimit: oee?.isPerformanceOverLimit ?? false,
    coverage: oee?.coverage ?? null,
    produced: oee?.total ?? 0,
    good: oee?.good ?? 0,
    target: oee ? targetGood(oee.plannedMs, targetOee, idealCycleMs(line, status?.productId ?? null)) : null,
    topLoss: top ? { reasonId: top.reasonId, loss: top.loss, durationMs: top.durationMs } : null,
    hasLiveData: status !== undefined || oee !== undefined,
    hasSortKeys: status !== undefined && oee !== undefined,
  };
}

export type BoardSort = 'worst' | 'name' | 'oee';

/**
 * The state a tile ranks by worst-first: its shown state, except for two kinds of open stop. One
 * wholly in a break or off shift ranks as a planned stop: it is no loss (the engine books none,
 * nobody is asked why), so a line on its break must not sit above lines losing time (it sat on top:
 * its state is "stopped"). One still under the small-stop threshold ranks as a small stop: the
 * engine books it as a minor stop and nobody is asked why yet, so it must not sit among the long
 * stops. The tile still shows "stopped" (it may yet be long, `displayStateOfLine`); once it outgrows
 * the threshold the service republishes the status within a second (`STATUS_REFRESH_MS` in
 * src/server/live/live-oee.ts) and the line ranks as stopped. Unless the line has open andon
 * calls about this stop (`callsAboutStop`): someone there asked for help with it, so it is no minor
 * stop, and it ranks as stopped at once (it sat below lines with no data, its calls waiting).
 */
export function rankState(t: BoardTile): DisplayState {
  if (t.state !== 'stopped') return t.state;
  if (t.isOffShift) return 'planned';
  return t.isSmallStop && t.openCalls === 0 ? 'small-stop' : 'stopped';
}

/**
 * Sorts tiles; the board and the TV both sort with this (one rule). `worst`: state severity first
 * (`stateSeverity` of `rankState`), then the biggest gap below target OEE, then name, so the order is
 * stable between updates and tiles do not jump around.
 *
 * Why a stopped line comes before a running line with a worse OEE: "worst first" answers a plant
 * manager's question at the board, "where is someone needed now?". A line stopped now loses its
 * whole output every minute and a person can act now; the shift's OEE lags (a line stopped for ten
 * minutes can still read 90 %), and a running line's low OEE is the shift's history, which the
 * `oee` sort shows. A stop in a break or off shift is no loss (`rankState`), so it does not count;
 * a stop still under the small-stop threshold ranks as a small stop, below lines stopped for longer,
 * unless someone at the line called for help with it (open andon calls about it).
 */
export function sortTiles(tiles: readonly BoardTile[], by: BoardSort): BoardTile[] {
  const gap = (t: BoardTile) => (t.oee === null ? -Infinity : t.targetOee - t.oee);
  const byName = (a: BoardTile, b: BoardTile) => a.name.localeCompare(b.name) || a.lineId.localeCompare(b.lineId);
  const out = tiles.slice();
  if (by === 'name') return out.sort(byName);
  if (by === 'oee') return out.sort((a, b) => (a.oee ?? Infinity) - (b.oee ?? Infinity) || byName(a, b));
  return out.sort((a, b) => stateSeverity[rankState(a)] - stateSeverity[rankState(b)] || gap(b) - gap(a) || byName(a, b));
}

/**
 * Whether `sortTiles` can put these tiles in their true order yet: by name always; worst-first or
 * by OEE once every line's status and snapshot arrived. Before that a line not heard yet would sit
 * by its name ("unknown" state, no OEE) where it does not belong.
 * @example isOrderKnown([boardTile(meta, undefined, undefined, now)], 'worst') // false
 */
export function isOrderKnown(tiles: readonly BoardTile[], by: BoardSort): boolean {
  return by === 'name' || tiles.every((t) => t.hasSortKeys);
}

/** Groups tiles by area, keeping the order of the input inside each area and areas in first-seen order. */
export function groupByArea(tiles: readonly BoardTile[]): { areaId: string; areaName: string; tiles: BoardTile[] }[] {
  const groups = new Map<string, { areaId: string; areaName: string; tiles: BoardTile[] }>();
  for (const t of tiles) {
    const g = groups.get(t.areaId) ?? groups.set(t.areaId, { areaId: t.areaId, areaName: t.areaName, tiles: [] }).get(t.areaId)!;
    g.tiles.push(t);
  }
  return [...groups.values()];
}

/** Every line of a (scoped) plant with its area, in plant order. */
export function lineMetas(plant: { areas: readonly { id: string; name: string; lines: readonly Line[] }[] }): LineMeta[] {
  return plant.areas.flatMap((a) => a.lines.map((line) => ({ line, areaId: a.id, areaName: a.name })));
}
