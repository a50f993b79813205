import { ulid } from 'ulid';
import { FloorboardError } from '../../../core/errors.ts';
import type { LinePath } from '../../../core/topics.ts';
import { i18n } from '../../managers/i18n.svelte.ts';
import { live } from '../managers/live.svelte.ts';
import { dashboardSession } from '../managers/session.svelte.ts';
import { correctionEvents, describeCorrection, type StopCorrection, type StopTarget } from './correction-events.ts';

export type { StopCorrection, StopTarget } from './correction-events.ts';

export interface AuditEntry {
  at: number;
  author: string;
  what: string;
  why: string;
  outcome: 'accepted' | 'rejected';
  message?: string;
}

/**
 * Publishes a lead's change with the lead's own credentials (see `correctionEvents`). The broker
 * checks the lead may write there; only the service's acknowledgement after its commit counts.
 * The lasting audit trail is the service's (GET /api/audit); this entry is the immediate outcome.
 */
export async function applyCorrection(c: StopCorrection, line: LinePath, stop: StopTarget, now: number): Promise<AuditEntry> {
  const session = dashboardSession.current;
  if (!session) throw new FloorboardError('unauthorized', 'not signed in');
  // One correction or void; otherwise the lead's entry plus a note with the why.
  const count = c.kind === 'void' || (c.kind === 'reclassify' && stop.reasonEvent) ? 1 : 2;
  const { topic, events } = correctionEvents(c, { line, stop, deviceId: session.deviceId, author: session.user.id, seq: dashboardSession.takeSeq(count), now, newId: () => ulid(now) });
  const ack = await live.publishBatch(topic, events);
  const refused = ack.rejected.find((r) => r.id && events.some((e) => e.id === r.id));
  return { at: now, author: session.user.name, what: describeCorrection(c, i18n.time), why: c.why, outcome: refused ? 'rejected' : 'accepted', ...(refused ? { message: `${refused.code}: ${refused.message}` } : {}) };
}
