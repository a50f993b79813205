import type { Principal } from '../../core/access.ts';
import type { ParsedTopic, User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { Refusal } from '../ingest/event-checks.ts';
import { exceedsJsonDepth } from '../ingest/json-depth.ts';

type IngestTopic = Extract<ParsedTopic, { kind: 'events' | 'signals' | 'corrections' }>;

/**
 * May a connection signed in as `p` name `authorId` as the author of an entry at `stationId`?
 * Everyone writes as themselves. A lead's device may also write for the operators of its lines
 * (entries taken down for them). An operator's connection may carry a colleague's entries at a
 * station both work at: operators share a station's tablet, and entries made by the previous
 * operator (signed in offline, or not yet sent at the change of shift) leave on the next one's
 * connection; refusing them would stall the tablet's outbox or lose them. Never anyone else:
 * not a lead, a manager, an admin, a gateway, or an operator of another station (ADR 0004).
 */
function mayAuthorAs(p: Principal, authorId: string, stationId: string, findUser: (id: string) => User | undefined, index: PlantIndex): boolean {
  if (authorId === p.id) return true;
  const author = findUser(authorId);
  if (author?.role !== 'operator') return false;
  if (p.role === 'lead') return author.stations.some((s) => p.lines.includes(index.stations.get(s)?.line ?? ''));
  return p.role === 'operator' && p.stations.includes(stationId) && author.stations.includes(stationId);
}

/**
 * Checks an ingest payload (`{ "events": [...] }`, as received) against the connection that
 * published it. Only the embedded broker can run this: it knows the publisher and sees payloads
 * (Mosquitto sees neither in its ACL check: docs/adr/0004). Each event must name the publisher's
 * own device (its sequence and acks), be authored by the signed-in user, and a correction never
 * comes on a station's events topic (only a lead or admin corrects, on the line's corrections
 * topic). A void on an events topic passes here: ingest checks it undoes the author's own entry
 * of this shift at this station, which needs storage. A payload that is not JSON or not a batch
 * passes: ingest refuses it itself.
 */
export function checkPublisher(
  payload: Buffer,
  clientId: string,
  p: Principal,
  topic: IngestTopic,
  findUser: (id: string) => User | undefined,
  index: PlantIndex,
): Refusal | null {
  // Too deep for ingest too (it dead-letters the whole message): not worth parsing here.
  if (exceedsJsonDepth(payload)) return null;
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
  const events = (json as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return null;
  for (const e of events) {
    const event = (e ?? {}) as { deviceId?: unknown; author?: unknown; type?: unknown; stationId?: unknown };
    if (typeof event.deviceId === 'string' && event.deviceId !== clientId)
      return { code: 'not-allowed', message: `event deviceId "${event.deviceId}" is not the publishing client "${clientId}": a device may only publish its own events` };
    if (typeof event.author === 'string' && !mayAuthorAs(p, event.author, typeof event.stationId === 'string' ? event.stationId : '', findUser, index))
      return { code: 'not-allowed', message: `event author "${event.author}" is not the signed-in ${p.role} "${p.id}": entries are authored by whoever signed in` };
    if (event.type === 'correction' && topic.kind === 'events')
      return { code: 'not-allowed', message: 'a correction is not allowed on a station\'s events topic: only a lead or an admin corrects, on the line\'s corrections topic' };
  }
  return null;
}
