import { canPublish, principalOf } from '../../core/access.ts';
import type { CorrectablePayload, FloorEvent, ParsedTopic, RejectCode, User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import { reasonLosses } from '../../core/oee/query.schema.ts';
import { isStopLoss } from '../../core/stop-reasons.ts';

export interface Refusal {
  code: RejectCode;
  message: string;
}

type IngestTopic = Extract<ParsedTopic, { kind: 'events' | 'signals' | 'corrections' }>;

/** Product ids per plant line, built once per line object (a plant reload brings new objects). */
const productsOfLine = new WeakMap<object, ReadonlySet<string>>();
function lineProducts(line: { products: readonly { productId: string }[] }): ReadonlySet<string> {
  let products = productsOfLine.get(line);
  if (!products) productsOfLine.set(line, (products = new Set(line.products.map((p) => p.productId))));
  return products;
}

const isStopPayload = (type: string) => type === 'stop.start' || type === 'stop.split' || type === 'stop.classify';

const isMachine = (type: string) => type === 'machine.state' || type === 'machine.counter' || type === 'machine.heartbeat';

/** A product of the payload the line does not make, if any. */
function productOfPayload(p: CorrectablePayload): string | undefined {
  switch (p.type) {
    case 'count':
    case 'scrap':
    case 'changeover.end':
    case 'machine.counter':
      return p.productId || undefined;
    case 'changeover.start':
      return p.toProductId;
    default:
      return undefined;
  }
}

/** The reason a payload names, if any. */
function reasonOfPayload(p: CorrectablePayload): string | undefined {
  switch (p.type) {
    case 'stop.start':
    case 'stop.split':
      return p.reasonId || undefined;
    case 'stop.classify':
    case 'scrap':
      return p.reasonId;
    case 'count':
      return p.scrapReasonId || undefined;
    default:
      return undefined;
  }
}

/**
 * Checks one schema-valid event against the plant and the topic it came on: the line and station
 * exist, the topic path says the same line and station, the payload kind fits the topic
 * (machine signals only on `signals`), the products and reasons are the line's, and the author is a
 * plant user allowed to write there. Returns null when all hold. `allowed` caches, per author, the
 * answer for this topic: pass one map per message (the topic is the message's).
 */
export function checkEvent(
  event: FloorEvent,
  topic: IngestTopic,
  index: PlantIndex,
  usersById: ReadonlyMap<string, User>,
  allowed: Map<string, boolean> = new Map(),
): Refusal | null {
  const line = index.lines.get(event.lineId);
  if (!line) return { code: 'unknown-line', message: `unknown line "${event.lineId}"` };
  const station = index.stations.get(event.stationId);
  if (!station || station.line !== event.lineId) return { code: 'unknown-station', message: `unknown station "${event.stationId}" on line "${event.lineId}"` };
  if (topic.line !== event.lineId || topic.area !== line.path.area)
    return { code: 'topic-mismatch', message: `event is for line "${event.lineId}" but was published on line "${topic.area}/${topic.line}"` };
  if (topic.kind !== 'corrections' && topic.station !== event.stationId)
    return { code: 'topic-mismatch', message: `event is for station "${event.stationId}" but was published on station "${topic.station}"` };
  if ((topic.kind === 'signals') !== isMachine(event.type))
    return { code: 'topic-mismatch', message: `"${event.type}" does not belong on a ${topic.kind} topic` };
  if (topic.kind === 'events' && event.type === 'correction')
    return { code: 'not-allowed', message: 'a correction is not allowed on a station\'s events topic: only a lead or an admin corrects, on the line\'s corrections topic' };
  if (topic.kind === 'corrections' && event.type !== 'correction' && event.type !== 'void' && event.type !== 'handover')
    return { code: 'topic-mismatch', message: `only "correction", "void" and a line's "handover" belong on a corrections topic, not "${event.type}"` };
  const handoverRefusal = checkHandoverTopic(event, topic);
  if (handoverRefusal) return handoverRefusal;

  const payload = event.type === 'correction' ? event.replacement : event.type === 'void' ? null : (event as CorrectablePayload);
  if (payload) {
    // No arrays or closures here: this runs for every event.
    const product = productOfPayload(payload);
    if (product !== undefined && !lineProducts(line.line).has(product)) return { code: 'unknown-product', message: `product "${product}" is not made on line "${event.lineId}"` };
    const reason = reasonOfPayload(payload);
    if (reason !== undefined && !index.reasons.has(reason)) return { code: 'unknown-reason', message: `unknown reason "${reason}"` };
    if (reason !== undefined && isStopPayload(payload.type)) {
      const loss = reasonLosses(index.plant).get(reason)!;
      if (!isStopLoss(loss)) return { code: 'unknown-reason', message: `reason "${reason}" is booked to ${loss}, not a stop loss: it cannot classify a stop` };
    }
  }

  const author = usersById.get(event.author);
  if (!author) return { code: 'not-allowed', message: `author "${event.author}" is not a user of this plant` };
  let isAllowed = allowed.get(author.id);
  if (isAllowed === undefined) allowed.set(author.id, (isAllowed = canPublish(principalOf(author), topic, index)));
  if (!isAllowed)
    return { code: 'not-allowed', message: `${author.role} "${author.id}" may not write ${topic.kind} for station "${event.stationId}"` };
  return checkHandoverAuthor(event, author) ?? checkAndonEntry(event, author);
}

/**
 * Of the andon events, a tablet writes only its call button (src/core/andon): the service writes
 * rule calls, escalations and automatic resolves, and answers come through the API as their author.
 */
function checkAndonEntry(event: FloorEvent, author: User): Refusal | null {
  const type = event.type === 'correction' ? event.replacement.type : event.type;
  if (!type.startsWith('andon.')) return null;
  if (event.type !== 'andon.raise' || event.trigger !== 'button')
    return { code: 'not-allowed', message: `"${type}" is written by the service; a tablet raises a call with its button (trigger "button") and answers one through the API` };
  if (author.role !== 'operator' && author.role !== 'lead') return { code: 'not-allowed', message: `a call button is pressed by an operator or a lead, not by ${author.role} "${author.id}"` };
  return null;
}

/**
 * A station's handover (and its acknowledgement) goes on that station's events topic; a line's
 * handover on the line's corrections topic (a lead's path).
 */
function checkHandoverTopic(event: FloorEvent, topic: IngestTopic): Refusal | null {
  if (event.type === 'handover' && (event.scope === 'line') !== (topic.kind === 'corrections'))
    return { code: 'topic-mismatch', message: `a ${event.scope} handover belongs on ${event.scope === 'line' ? "the line's corrections topic" : "the station's events topic"}, not on a ${topic.kind} topic` };
  return null;
}

/**
 * Handovers are written by the people of the shift: an operator hands over their station and
 * acknowledges at it; a lead hands over their line. Nobody else writes or acknowledges one
 * (canPublish has already held each to their own stations and lines).
 */
function checkHandoverAuthor(event: FloorEvent, author: User): Refusal | null {
  if (event.type === 'handover') {
    const role = event.scope === 'line' ? 'lead' : 'operator';
    if (author.role !== role) return { code: 'not-allowed', message: `a ${event.scope} handover is written by ${role === 'lead' ? "the line's lead" : "the station's operator"}, not by ${author.role} "${author.id}"` };
  }
  if (event.type === 'handover.ack' && author.role !== 'operator')
    return { code: 'not-allowed', message: `a handover is acknowledged by the incoming operator at their station, not by ${author.role} "${author.id}"` };
  return null;
}
