import { topics, type Ack, type RejectCode, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import { ClockTracker, correctTs } from './clock-tracker.ts';
import { parseMessage, type RejectedEntry } from './parse-message.ts';

/** A message to publish once the commit is done. */
export interface Outgoing {
  topic: string;
  payload: string;
}

export interface IngestDeps {
  storage: Storage;
  index: () => PlantIndex;
  usersById: () => ReadonlyMap<string, User>;
  metrics: ServiceMetrics;
  clock: ClockTracker;
  now: () => number;
  /** Called with the newly stored events after each commit (live OEE). */
  onCommitted?: (records: readonly StoredEventInput[]) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Handles one ingest message end to end: parse, check, one storage transaction, device upkeep,
 * dead letters. Resolves with the acks and dead-letter notices to publish; rejects only when
 * storage fails, so the caller withholds the PUBACK and the broker delivers the message again.
 */
export function createIngestHandler(deps: IngestDeps) {
  const { storage, metrics } = deps;
  /** What was last written per device, so a busy device costs one device write a second, not one per message. */
  const written = new Map<string, { at: number; offsetMs: number; isFlagged: boolean }>();

  async function deadLetter(topic: string, code: RejectCode, message: string, payload: string, receivedAt: number, deviceId?: string): Promise<Outgoing> {
    await storage.insertDeadLetter({ receivedAt, topic, code, message, payload, ...(deviceId ? { deviceId } : {}) });
    metrics.deadLetters.inc({ code });
    metrics.rejected.inc({ code });
    const site = deps.index().site;
    return { topic: topics.deadLetter(site), payload: JSON.stringify({ receivedAt, topic, code, message, ...(deviceId ? { deviceId } : {}) }) };
  }

  return async function handle(topicName: string, payload: Buffer): Promise<Outgoing[]> {
    const receivedAt = deps.now();
    const index = deps.index();
    const parsed = parseMessage(topicName, payload, index, deps.usersById());
    if (parsed.kind === 'dead') {
      const out = [await deadLetter(topicName, parsed.code, parsed.message, payload.toString('utf8'), receivedAt, parsed.deviceId)];
      if (parsed.deviceId) out.push(ackMessage(index.site, parsed.deviceId, [], [{ index: 0, code: parsed.code, message: parsed.message }], deps.now()));
      return out;
    }
    const { accepted, rejected, topic } = parsed;

    // Corrections and voids must point at an event that exists (stored, or earlier in this batch).
    const refs = accepted.flatMap(({ event }) => (event.type === 'correction' ? [event.supersedes] : event.type === 'void' ? [event.voids] : []));
    const known = new Set([...accepted.map((a) => a.event.id), ...(refs.length ? await storage.findExistingIds(refs) : [])]);
    const valid = accepted.filter(({ index: i, event }) => {
      const ref = event.type === 'correction' ? event.supersedes : event.type === 'void' ? event.voids : undefined;
      if (ref === undefined || known.has(ref)) return true;
      rejected.push({ index: i, id: event.id, deviceId: event.deviceId, code: 'superseded-unknown', message: `event "${ref}" is not known`, raw: event });
      return false;
    });

    // Clock offset from the newest event per device in this batch.
    const newest = new Map<string, { ts: number; seq: number }>();
    for (const { event } of valid) {
      const n = newest.get(event.deviceId);
      newest.set(event.deviceId, { ts: Math.max(n?.ts ?? 0, event.ts), seq: Math.max(n?.seq ?? -1, event.seq) });
    }
    const offsets = new Map([...newest].map(([device, n]) => [device, deps.clock.observe(device, n.ts, receivedAt)]));
    const records: StoredEventInput[] = valid.map(({ event }) => {
      const offset = offsets.get(event.deviceId)?.appliedMs ?? 0;
      return { event, receivedAt, clockOffsetMs: offset, correctedTs: correctTs(event.ts, offset, receivedAt), topic: topicName };
    });

    const result = records.length ? await storage.insertEvents(records) : { inserted: [], duplicates: [] };
    const committedAt = deps.now();
    for (const [deviceId, n] of newest) {
      const reading = offsets.get(deviceId)!;
      const last = written.get(deviceId);
      const isNews = !last || last.isFlagged !== reading.isFlagged || Math.abs(last.offsetMs - reading.estimateMs) > 1000 || receivedAt - last.at >= 1000;
      if (!isNews) continue;
      if (reading.isFlagged && !last?.isFlagged) deps.log('device clock off', { deviceId, clockOffsetMs: reading.estimateMs });
      await storage.upsertDevice({ deviceId, lastSeq: n.seq, clockOffsetMs: reading.estimateMs, lastSeenAt: receivedAt, isClockFlagged: reading.isFlagged });
      written.set(deviceId, { at: receivedAt, offsetMs: reading.estimateMs, isFlagged: reading.isFlagged });
    }
    const inserted = new Set(result.inserted);
    const stored = records.filter((r) => inserted.has(r.event.id));
    metrics.ingested.inc({ kind: topic.kind }, stored.length);
    metrics.duplicates.inc(result.duplicates.length);
    for (const r of stored) metrics.ingestLag.observe(Math.max(0, committedAt - r.correctedTs) / 1000);
    metrics.commitDuration.observe((committedAt - receivedAt) / 1000);
    if (stored.length) deps.onCommitted?.(stored);

    const out: Outgoing[] = [];
    for (const r of rejected) out.push(await deadLetter(topicName, r.code, r.message, JSON.stringify(r.raw) ?? '', receivedAt, r.deviceId));
    // One ack per device; entries too broken to name a device go to the batch's first device.
    const fallback = valid[0]?.event.deviceId ?? rejected.find((r) => r.deviceId)?.deviceId;
    const byDevice = new Map<string, { accepted: string[]; rejected: RejectedEntry[] }>();
    const slot = (d: string) => byDevice.get(d) ?? byDevice.set(d, { accepted: [], rejected: [] }).get(d)!;
    for (const r of records) slot(r.event.deviceId).accepted.push(r.event.id);
    for (const r of rejected) {
      const device = r.deviceId ?? fallback;
      if (device) slot(device).rejected.push(r);
    }
    for (const [deviceId, entries] of byDevice) out.push(ackMessage(index.site, deviceId, entries.accepted, entries.rejected, committedAt));
    return out;
  };
}

function ackMessage(site: string, deviceId: string, accepted: string[], rejected: Pick<RejectedEntry, 'index' | 'id' | 'code' | 'message'>[], committedAt: number): Outgoing {
  const ack: Ack = {
    deviceId,
    accepted,
    rejected: rejected.map((r) => ({ index: r.index, code: r.code, message: r.message, ...(r.id ? { id: r.id } : {}) })),
    committedAt,
  };
  return { topic: topics.ack(site, deviceId), payload: JSON.stringify(ack) };
}
