import { absorbSiteMessage, emptySiteLive, heardFrom, type SiteLive } from '../../core/central/central-board.ts';
import { describeEventProblems } from '../../core/event-issues.ts';
import { compiledEventSchema } from '../../core/event-parser.ts';
import { describeIssues, eventBatchSchema, parseTopic, topics, type FloorEvent, type RejectCode } from '../../core/index.ts';
import { readPayload } from '../ingest/read-payload.ts';
import type { Outgoing } from '../ingest/ingest-handler.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';

/** What the centre subscribes to on its broker, at QoS 1 with a kept session: every site's ingest, as their bridges carry it. */
export const CENTRAL_INGEST_FILTERS = topics.ingestFilters('+');
/** And at QoS 0, retained: every site's card, line statuses and OEE of lines, areas and sites. */
export const CENTRAL_LIVE_FILTERS = topics.bridgedOut('+').filter((f) => !CENTRAL_INGEST_FILTERS.includes(f));

export interface CentralIngestDeps {
  /** The sites of the central file: a message of any other site is refused (logged, never stored). */
  isKnownSite: (site: string) => boolean;
  storageOf: (site: string) => Promise<Storage>;
  live: Map<string, SiteLive>;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

type Refusal = { code: RejectCode; message: string };

/**
 * The centre's side of the bridges (issue 16, many sites). Entries, signals and corrections are
 * kept per site, each once by id, exactly as the site's broker forwarded them: shape-checked with
 * the core schema and matched to their topic's line and station (the site's own plant checks ran
 * at the site, which dead-letters what they refuse; here those arrive too, and are kept as
 * received). An unreadable message becomes a dead letter of its site and is acknowledged, so
 * nothing stalls the queue. The retained card, statuses and OEE snapshots are held in memory for
 * the central board. Nothing is acknowledged back: the site's own service does that.
 */
export function createCentralIngest(o: CentralIngestDeps): (topic: string, payload: Buffer) => Promise<Outgoing[]> {
  const liveOf = (site: string) => {
    let l = o.live.get(site);
    if (!l) o.live.set(site, (l = emptySiteLive()));
    return l;
  };

  return async (topicName, payload) => {
    const topic = parseTopic(topicName);
    if (!topic) {
      o.log('central: a message outside the topic scheme; dropped', { topic: topicName });
      return [];
    }
    if (!o.isKnownSite(topic.site)) {
      o.log('central: a message of a site not in the central file; dropped', { topic: topicName, site: topic.site });
      return [];
    }
    const at = o.now();
    if (topic.kind === 'site-card' || topic.kind === 'line-status' || topic.kind === 'line-oee' || topic.kind === 'area-oee' || topic.kind === 'site-oee') {
      const json = readPayload(payload);
      if ('code' in json) {
        o.log('central: an unreadable live message; dropped', { topic: topicName, error: json.message });
        return [];
      }
      const kind = topic.kind === 'site-card' ? 'card' : topic.kind;
      const id = topic.kind === 'line-status' || topic.kind === 'line-oee' ? topic.line : topic.kind === 'area-oee' ? topic.area : topic.site;
      const r = absorbSiteMessage(liveOf(topic.site), kind, id, json.value, at);
      if (!r.ok) o.log('central: a live message is refused; dropped', { topic: topicName, problems: r.problems });
      return [];
    }
    if (topic.kind !== 'events' && topic.kind !== 'signals' && topic.kind !== 'corrections') return [];
    heardFrom(liveOf(topic.site), at);
    const storage = await o.storageOf(topic.site);
    const dead = (r: Refusal, raw: string) => storage.insertDeadLetter({ receivedAt: at, topic: topicName, code: r.code, message: r.message, payload: raw });
    const json = readPayload(payload);
    if ('code' in json) {
      await dead(json, payload.toString('utf8'));
      return [];
    }
    const batch = eventBatchSchema.safeParse(json.value);
    if (!batch.success) {
      await dead({ code: 'bad-shape', message: `not an event batch: ${describeIssues(batch.error).join('; ')}` }, payload.toString('utf8'));
      return [];
    }
    const records: StoredEventInput[] = [];
    for (const raw of batch.data.events) {
      const parsed = compiledEventSchema.safeParse(raw);
      const refusal: Refusal | null = !parsed.success
        ? { code: 'bad-shape', message: (describeEventProblems(raw).length ? describeEventProblems(raw) : describeIssues(parsed.error)).join('; ') }
        : mismatch(parsed.data, topic);
      if (refusal) await dead(refusal, JSON.stringify(raw));
      else records.push({ event: parsed.data!, receivedAt: at, clockOffsetMs: 0, correctedTs: parsed.data!.ts, topic: topicName });
    }
    if (records.length) await storage.insertEvents(records);
    return [];
  };
}

/** An event must be of the line (and station) its topic names: a site's bridge carries only its own topics. */
function mismatch(e: FloorEvent, topic: { kind: 'events' | 'signals' | 'corrections'; line: string; station?: string }): Refusal | null {
  if (e.lineId !== topic.line) return { code: 'topic-mismatch', message: `event of line "${e.lineId}" on a topic of line "${topic.line}"` };
  if (topic.station !== undefined && 'stationId' in e && e.stationId !== topic.station) return { code: 'topic-mismatch', message: `event of station "${String(e.stationId)}" on a topic of station "${topic.station}"` };
  return null;
}
