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

const isMachine = (type: string) => type === 'machine.state' || type === 'machine.counter';

/** Product and reason ids a payload refers to, for the plant checks. */
function references(p: CorrectablePayload): { products: string[]; reasons: string[] } {
  switch (p.type) {
    case 'stop.start':
    case 'stop.split':
      return { products: [], reasons: p.reasonId ? [p.reasonId] : [] };
    case 'stop.classify':
      return { products: [], reasons: [p.reasonId] };
    case 'count':
      return { products: [p.productId], reasons: p.scrapReasonId ? [p.scrapReasonId] : [] };
    case 'scrap':
      return { products: [p.productId], reasons: [p.reasonId] };
    case 'changeover.start':
      return { products: [p.toProductId], reasons: [] };
    case 'changeover.end':
      return { products: [p.productId], reasons: [] };
    case 'machine.counter':
      return { products: p.productId ? [p.productId] : [], reasons: [] };
    default:
      return { products: [], reasons: [] };
  }
}

/**
 * Checks one schema-valid event against the plant and the topic it came on: the line and station
 * exist, the topic path says the same line and station, the payload kind fits the topic
 * (machine signals only on `signals`), the products and reasons are the line's, and the author is a
 * plant user allowed to write there. Returns null when all hold.
 */
export function checkEvent(event: FloorEvent, topic: IngestTopic, index: PlantIndex, usersById: ReadonlyMap<string, User>): Refusal | null {
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
  if (topic.kind === 'corrections' && event.type !== 'correction' && event.type !== 'void')
    return { code: 'topic-mismatch', message: `only "correction" and "void" belong on a corrections topic, not "${event.type}"` };

  const payload = event.type === 'correction' ? event.replacement : event.type === 'void' ? null : (event as CorrectablePayload);
  if (payload) {
    const products = lineProducts(line.line);
    const refs = references(payload);
    const product = refs.products.find((p) => !products.has(p));
    if (product) return { code: 'unknown-product', message: `product "${product}" is not made on line "${event.lineId}"` };
    const reason = refs.reasons.find((r) => !index.reasons.has(r));
    if (reason) return { code: 'unknown-reason', message: `unknown reason "${reason}"` };
  }

  const author = usersById.get(event.author);
  if (!author) return { code: 'not-allowed', message: `author "${event.author}" is not a user of this plant` };
  if (!canPublish(principalOf(author), topic, index))
    return { code: 'not-allowed', message: `${author.role} "${author.id}" may not write ${topic.kind} for station "${event.stationId}"` };
  return null;
}
