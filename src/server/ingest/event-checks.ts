import { canPublish, principalOf } from '../../core/access.ts';
import type { CorrectablePayload, FloorEvent, ParsedTopic, RejectCode, User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';

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
  if (topic.kind === 'corrections' && event.type !== 'correction' && event.type !== 'void')
    return { code: 'topic-mismatch', message: `only "correction" and "void" belong on a corrections topic, not "${event.type}"` };

  const payload = event.type === 'correction' ? event.replacement : event.type === 'void' ? null : (event as CorrectablePayload);
  if (payload) {
    // No arrays or closures here: this runs for every event.
    const product = productOfPayload(payload);
    if (product !== undefined && !lineProducts(line.line).has(product)) return { code: 'unknown-product', message: `product "${product}" is not made on line "${event.lineId}"` };
    const reason = reasonOfPayload(payload);
    if (reason !== undefined && !index.reasons.has(reason)) return { code: 'unknown-reason', message: `unknown reason "${reason}"` };
  }

  const author = usersById.get(event.author);
  if (!author) return { code: 'not-allowed', message: `author "${event.author}" is not a user of this plant` };
  let isAllowed = allowed.get(author.id);
  if (isAllowed === undefined) allowed.set(author.id, (isAllowed = canPublish(principalOf(author), topic, index)));
  if (!isAllowed)
    return { code: 'not-allowed', message: `${author.role} "${author.id}" may not write ${topic.kind} for station "${event.stationId}"` };
  return null;
}
