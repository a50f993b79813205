import { responseTimes, type AndonCall } from '../../core/andon/calls.ts';
import { ANDON_LATE_MS } from '../../core/andon/kinds.ts';
import type { AndonRule } from '../../core/andon/rules.schema.ts';
import type { Principal } from '../../core/access.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { visibleLines } from '../../core/access.ts';
import type { AndonCallView } from '../../core/andon/call-view.schema.ts';

/** Roles that acknowledge a call whose rule says nothing (a tablet's button with no rule for its kind). */
export const DEFAULT_ACKNOWLEDGERS: AndonRule['acknowledgedBy'] = ['lead', 'manager', 'admin'];

/** A call as screens, the API, MQTT and webhooks show it: its shape is core's, which every screen parses with. */
export type CallView = AndonCallView;

export function viewOf(c: AndonCall, o: { index: PlantIndex; nameOf: (id: string) => string; receivedAt?: number | undefined; rule?: AndonRule | undefined }): CallView {
  // isLate: a tablet's call made offline that reached the service later (ANDON_LATE_MS).
  return {
    ...c,
    areaId: o.index.lines.get(c.lineId)?.path.area ?? '',
    authorName: o.nameOf(c.author),
    ack: c.ack && { ...c.ack, name: o.nameOf(c.ack.by) },
    resolved: c.resolved && { ...c.resolved, name: o.nameOf(c.resolved.by) },
    ...responseTimes(c),
    isLate: o.receivedAt !== undefined && o.receivedAt - c.raisedAt > ANDON_LATE_MS,
    notify: o.rule?.escalation[c.level - 1]?.notify ?? [],
    acknowledgedBy: [...(o.rule?.acknowledgedBy ?? DEFAULT_ACKNOWLEDGERS)],
  };
}

/**
 * May `p` acknowledge or resolve call `c`? Its rule names the roles; the call must be in the
 * caller's scope too (an operator: a call of a station they work at).
 */
export function mayAnswer(p: Principal, c: AndonCall, rule: AndonRule | undefined, index: PlantIndex): boolean {
  if (p.role === 'service') return true;
  const roles: readonly string[] = rule?.acknowledgedBy ?? DEFAULT_ACKNOWLEDGERS;
  if (!roles.includes(p.role)) return false;
  if (p.role === 'operator') return p.stations.includes(c.stationId);
  return visibleLines(p, index).has(c.lineId);
}
