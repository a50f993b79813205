import { topics, type Ack, type FloorEvent, type RejectCode, type User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { DeadLetterInput, InsertResult, Storage, StoredEventInput } from '../storage/storage.ts';
import { checkAmendments } from './amendment-rights.ts';
import { currentPayloads } from './current-payloads.ts';
import { ClockTracker, correctTs, type ClockReading } from './clock-tracker.ts';
import { findConflicts } from './conflicts.ts';
import { createGroupCommit } from './group-commit.ts';
import { parseMessage, type IngestTopic, type ParsedMessage, type RejectedEntry } from './parse-message.ts';
import type { RefusalSeal } from '../broker/refusal-seal.ts';

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
  /** Opens the refusals the embedded broker sealed into payloads (refusal-seal.ts). */
  refusals?: RefusalSeal;
}

/** One MQTT message as the service client received it. */
export interface IngestMessage {
  topic: string;
  payload: Buffer;
  /** Service time at receipt, before any wait for a running commit. */
  receivedAt: number;
  /** Parsed and checked at receipt, while the previous group is being written. */
  parsed: ParsedMessage;
}

/** A message that parsed as a batch, with what the group commit needs of it. */
interface Pending {
  topicName: string;
  receivedAt: number;
  kind: IngestTopic['kind'];
  accepted: { index: number; event: FloorEvent }[];
  records: StoredEventInput[];
  /** Each record's index in its message (for a refusal found after the insert). */
  indexes: number[];
  rejected: RejectedEntry[];
  /** Device of the batch's first valid event (acks of entries too broken to name one). */
  fallback: string | undefined;
}

/** What a group's write leaves for its finish. */
interface Written {
  /** Per message, what to publish once the group is finished (its dead letters so far). */
  results: Outgoing[][];
  pending: (Pending | null)[];
  records: StoredEventInput[];
  result: InsertResult;
  site: string;
  startedAt: number;
  committedAt: number;
}

/**
 * Handles ingest messages end to end: parse, check, storage, device upkeep, dead letters. Messages
 * that arrive while a commit runs are committed together in ONE storage transaction (group
 * commit, see `group-commit.ts`). Each call resolves with the acks and dead-letter notices of its
 * own message, only after the commit; it rejects when storage fails, so the caller withholds the
 * PUBACK and the broker delivers the message again.
 */
export function createIngestHandler(deps: IngestDeps): (topicName: string, payload: Buffer) => Promise<Outgoing[]> {
  const { storage, metrics } = deps;
  const currentOf = currentPayloads(storage);
  /** What was last written per device, so a busy device costs one device write a second, not one per message. */
  const written = new Map<string, { at: number; offsetMs: number; isFlagged: boolean }>();

  /**
   * Stores, counts and announces one dead letter. Everything a client sent is cut to the table's
   * limits first, so no payload can make the letter itself fail (and the message with it).
   */
  async function deadLetter(topic: string, code: RejectCode, message: string, payload: string, receivedAt: number, deviceId?: string): Promise<Outgoing> {
    const letter = { receivedAt, topic: clip(topic, MAX_TOPIC_CHARS), code, message: clip(message, MAX_REASON_CHARS), payload, ...(deviceId ? { deviceId } : {}) };
    try {
      await storage.insertDeadLetter(letter);
    } catch (error) {
      // Storage refused the letter's content (not its own failure): store what surely fits.
      if (!(error instanceof FloorboardError) || error.code !== 'invalid-arguments') throw error;
      const fallback = { receivedAt, topic: letter.topic, code: 'bad-shape' as const, message: `${letter.code}: could not be stored as received`, payload: clip(payload, FALLBACK_PAYLOAD_CHARS) };
      await storage.insertDeadLetter(fallback);
      return deadLetterNotice(fallback);
    }
    return deadLetterNotice(letter);
  }

  function deadLetterNotice(letter: Omit<DeadLetterInput, 'payload'>): Outgoing {
    const { receivedAt, topic, code, message, deviceId } = letter;
    metrics.deadLetters.inc({ code });
    metrics.rejected.inc({ code });
    const site = deps.index().site;
    return { topic: topics.deadLetter(site), payload: JSON.stringify({ receivedAt, topic, code, message, ...(deviceId ? { deviceId } : {}) }) };
  }

  /** Checks and writes a group: dead letters, device rows, then its events; `finishGroup` does the rest. */
  async function writeGroup(messages: readonly IngestMessage[]): Promise<Written> {
    const index = deps.index();
    const results: Outgoing[][] = messages.map(() => []);
    const pending: (Pending | null)[] = [];
    for (let m = 0; m < messages.length; m++) {
      const { topic: topicName, payload, receivedAt, parsed } = messages[m]!;
      if (parsed.kind === 'dead') {
        pending.push(null);
        results[m]!.push(await deadLetter(topicName, parsed.code, parsed.message, payload.toString('utf8'), receivedAt, parsed.deviceId));
        // Entries named by id (a batch the broker refused) are each acked rejected; else the message's first.
        const rejected = parsed.ids?.length ? parsed.ids.map((id, i) => ({ index: i, id, code: parsed.code, message: parsed.message })) : [{ index: 0, code: parsed.code, message: parsed.message }];
        if (parsed.deviceId) results[m]!.push(ackMessage(index.site, parsed.deviceId, [], rejected, deps.now()));
        continue;
      }
      pending.push({ topicName, receivedAt, kind: parsed.topic.kind, accepted: parsed.accepted, records: [], indexes: [], rejected: parsed.rejected, fallback: undefined });
    }

    // Corrections and voids: the event they amend must exist and be theirs to amend (amendment-rights.ts).
    const refused = await checkAmendments(pending, storage.findEventOrigins.bind(storage), index.plant.calendar, currentOf);

    /** Per device over the whole group: highest seq, and the reading of its latest message. */
    const newest = new Map<string, { seq: number; receivedAt: number; reading: ClockReading }>();
    const records: StoredEventInput[] = [];
    for (let m = 0; m < pending.length; m++) {
      const p = pending[m];
      if (!p) continue;
      const valid = refused.size ? p.accepted.filter(({ index: i, event }) => {
        const refusal = refused.get(event);
        if (refusal) p.rejected.push({ index: i, id: event.id, deviceId: event.deviceId, ...refusal, raw: event });
        return !refusal;
      }) : p.accepted;
      p.fallback = valid[0]?.event.deviceId ?? p.rejected.find((r) => r.deviceId)?.deviceId;
      // Clock offset from the newest event per device of each message (one sample per message),
      // leaving out times too far ahead to be a clock (they are refused below).
      const inMessage = new Map<string, { ts: number; seq: number }>();
      for (const { event } of valid) {
        const ts = deps.clock.isPlausible(event.ts, p.receivedAt) ? event.ts : -Infinity;
        const n = inMessage.get(event.deviceId);
        if (!n) inMessage.set(event.deviceId, { ts, seq: event.seq });
        else {
          n.ts = Math.max(n.ts, ts);
          n.seq = Math.max(n.seq, event.seq);
        }
      }
      const applied = new Map<string, number>();
      for (const [device, n] of inMessage) {
        if (n.ts === -Infinity) continue;
        const reading = deps.clock.observe(device, n.ts, p.receivedAt);
        applied.set(device, reading.appliedMs);
        const before = newest.get(device);
        newest.set(device, { seq: Math.max(n.seq, before?.seq ?? -1), receivedAt: p.receivedAt, reading });
      }
      for (const { index: i, event } of valid) {
        const offset = applied.get(event.deviceId) ?? 0;
        const badTime = deps.clock.isBeyondBounds(event.ts, offset, p.receivedAt);
        if (badTime !== null) {
          p.rejected.push({ index: i, id: event.id, deviceId: event.deviceId, code: 'bad-time', message: badTime, raw: event });
          continue;
        }
        const record: StoredEventInput = { event, receivedAt: p.receivedAt, clockOffsetMs: offset, correctedTs: correctTs(event.ts, offset, p.receivedAt), topic: p.topicName };
        p.records.push(record);
        p.indexes.push(i);
        records.push(record);
      }
    }

    // Every storage write of the group happens here, before its events are inserted: while this
    // runs no other group is being written, so the main connection never waits on the writer
    // thread's lock, and a failure here leaves no event of the group stored (it is delivered again
    // and handled whole). The finish phase then does no I/O and cannot fail half-way.
    for (let m = 0; m < pending.length; m++) {
      const p = pending[m];
      if (!p) continue;
      for (const r of p.rejected) {
        const raw = entryText(r.raw);
        results[m]!.push(
          raw === null
            ? // Too odd to write down as it is: the message it came in, cut, stands for it.
              await deadLetter(p.topicName, 'bad-shape', `${r.message} (entry could not be serialised)`, clip(payloadOf(messages[m]!), FALLBACK_PAYLOAD_CHARS), p.receivedAt, r.deviceId)
            : await deadLetter(p.topicName, r.code, r.message, raw, p.receivedAt, r.deviceId),
        );
      }
    }
    for (const [deviceId, n] of newest) {
      const { reading, receivedAt } = n;
      const last = written.get(deviceId);
      const isNews = !last || last.isFlagged !== reading.isFlagged || Math.abs(last.offsetMs - reading.estimateMs) > 1000 || receivedAt - last.at >= 1000;
      if (!isNews) continue;
      if (reading.isFlagged && !last?.isFlagged) deps.log('device clock off', { deviceId, clockOffsetMs: reading.estimateMs });
      await storage.upsertDevice({ deviceId, lastSeq: n.seq, clockOffsetMs: reading.estimateMs, lastSeenAt: receivedAt, isClockFlagged: reading.isFlagged });
      written.set(deviceId, { at: receivedAt, offsetMs: reading.estimateMs, isFlagged: reading.isFlagged });
    }

    const startedAt = pending.find((p) => p)?.receivedAt ?? deps.now();
    const inserted = records.length ? await storage.insertEvents(records) : { inserted: [], duplicates: [] };
    const conflicts = await findConflicts(storage, inserted, records);
    const result = conflicts.size ? await refuseConflicts(messages, pending, results, conflicts, inserted) : inserted;
    return { results, pending, records: conflicts.size ? records.filter((r) => !conflicts.has(r)) : records, result, site: index.site, startedAt, committedAt: deps.now() };
  }

  /**
   * Takes resends with an id stored before but other content out of their messages' records (not
   * stored, not accepted) and refuses them with `conflict`: the device hears why and stops sending
   * it, an admin sees both contents (the first in storage, the second in the dead letter). After
   * the insert, so a failure here leaves the group's events stored; its redelivery finds them as
   * duplicates and refuses the conflict again. Returns the insert's result without the conflicts.
   */
  async function refuseConflicts(messages: readonly IngestMessage[], pending: (Pending | null)[], results: Outgoing[][], conflicts: ReadonlySet<StoredEventInput>, inserted: InsertResult): Promise<InsertResult> {
    const duplicates = [...inserted.duplicates];
    for (let m = 0; m < pending.length; m++) {
      const p = pending[m];
      if (!p || !p.records.some((r) => conflicts.has(r))) continue;
      const records: StoredEventInput[] = [];
      const indexes: number[] = [];
      for (let k = 0; k < p.records.length; k++) {
        const r = p.records[k]!;
        if (!conflicts.has(r)) {
          records.push(r);
          indexes.push(p.indexes[k]!);
          continue;
        }
        duplicates.splice(duplicates.indexOf(r.event.id), 1);
        const message = `event "${r.event.id}" was stored before with different content; the first content stays`;
        p.rejected.push({ index: p.indexes[k]!, id: r.event.id, deviceId: r.event.deviceId, code: 'conflict', message, raw: r.event });
        results[m]!.push(await deadLetter(messages[m]!.topic, 'conflict', message, JSON.stringify(r.event), p.receivedAt, r.event.deviceId));
      }
      p.records = records;
      p.indexes = indexes;
    }
    return { inserted: inserted.inserted, duplicates };
  }

  /** After the group's write, with no I/O: metrics, live views, acks. */
  async function finishGroup(group: Written): Promise<Outgoing[][]> {
    const { results, pending, records, result, site, startedAt, committedAt } = group;
    // Usually nothing is a duplicate: then every record was stored, with no per-event lookup.
    const inserted = result.duplicates.length ? new Set(result.inserted) : null;
    const stored: StoredEventInput[] = inserted ? [] : records;
    const ingested = new Map<IngestTopic['kind'], number>();
    for (const p of pending) {
      if (!p) continue;
      let count = inserted ? 0 : p.records.length;
      if (inserted) {
        for (const r of p.records) {
          // delete, not has: two copies of one event in a group were stored once and count once.
          if (!inserted.delete(r.event.id)) continue;
          stored.push(r);
          count++;
        }
      }
      if (count) ingested.set(p.kind, (ingested.get(p.kind) ?? 0) + count);
    }
    for (const [kind, count] of ingested) metrics.ingested.inc({ kind }, count);
    metrics.duplicates.inc(result.duplicates.length);
    for (const r of stored) metrics.ingestLag.observe(Math.max(0, committedAt - r.correctedTs) / 1000);
    metrics.commitDuration.observe((committedAt - startedAt) / 1000);
    if (stored.length) {
      try {
        deps.onCommitted?.(stored);
      } catch (error) {
        // The events are committed: a fault in a live view must not make the broker deliver them
        // again (they would come back as duplicates, and the views would never see them).
        deps.log('live views failed on committed events', { error: (error as Error).message });
      }
    }

    // Messages with nothing refused get one ack per device for the whole group, sent with the
    // device's last such message: a burst (a tablet draining its outbox, a busy gateway) costs one
    // ack, not one per message. A message with a refusal keeps its own ack, whose rejected entries
    // give indexes within that message.
    const clean = new Map<string, { last: number; accepted: string[] }>();
    for (let m = 0; m < pending.length; m++) {
      const p = pending[m];
      if (!p) continue;
      if (p.rejected.length === 0) {
        for (const r of p.records) {
          const device = r.event.deviceId;
          const c = clean.get(device) ?? clean.set(device, { last: m, accepted: [] }).get(device)!;
          c.last = m;
          c.accepted.push(r.event.id);
        }
        continue;
      }
      const out = results[m]!;
      // One ack per device; entries too broken to name a device go to the message's first device.
      const byDevice = new Map<string, { accepted: string[]; rejected: RejectedEntry[] }>();
      const slot = (d: string) => byDevice.get(d) ?? byDevice.set(d, { accepted: [], rejected: [] }).get(d)!;
      for (const r of p.records) slot(r.event.deviceId).accepted.push(r.event.id);
      for (const r of p.rejected) {
        const device = r.deviceId ?? p.fallback;
        if (device) slot(device).rejected.push(r);
      }
      for (const [deviceId, entries] of byDevice) out.push(ackMessage(site, deviceId, entries.accepted, entries.rejected, committedAt));
    }
    for (const [deviceId, c] of clean) results[c.last]!.push(ackMessage(site, deviceId, c.accepted, [], committedAt));
    return results;
  }

  const submit = createGroupCommit(writeGroup, finishGroup, { weight: (m: IngestMessage) => (m.parsed.kind === 'batch' ? m.parsed.accepted.length : 1) });
  return (topic, payload) => {
    const receivedAt = deps.now();
    const refusal = deps.refusals?.open(payload);
    if (refusal) {
      // Refused at the broker for what its events say: dead-lettered as published, acked to its publisher.
      const { clientId, code, message, ids } = refusal;
      return submit({ topic, payload: Buffer.from(refusal.payload), receivedAt, parsed: { kind: 'dead', code, message, deviceId: clientId, ids } });
    }
    let parsed: ParsedMessage;
    try {
      // At receipt, not at commit: with the events written on another thread (SQLite), parsing the
      // next messages overlaps the write of the current group.
      parsed = parseMessage(topic, payload, deps.index(), deps.usersById());
    } catch (error) {
      // parseMessage does not throw on any input we know of; if one is found, it is the client's
      // message that is bad, and refusing it (no PUBACK) would bring it back forever (issue 11).
      deps.log('ingest could not parse a message; dead-lettered', { topic, error: (error as Error).message });
      parsed = { kind: 'dead', code: 'bad-shape', message: `could not be read: ${(error as Error).message}` };
    }
    return submit({ topic, payload, receivedAt, parsed });
  };
}

/** Longest refusal reason stored, published or acked: a client's text can end up in one. */
const MAX_REASON_CHARS = 1000;
/** The dead-letter table's topic limit; MQTT allows topics of 64 KiB. */
const MAX_TOPIC_CHARS = 1024;
/** Payload kept of an entry that could not be written down as it is. */
const FALLBACK_PAYLOAD_CHARS = 4096;

/** `text` in at most `maxChars` characters, marked when cut. */
const clip = (text: string, maxChars: number) => (text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text);

/** A rejected entry as JSON text, or null when it cannot be serialised (too deep, a BigInt). */
function entryText(raw: unknown): string | null {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return null;
  }
}

const payloadOf = (m: IngestMessage) => m.payload.toString('utf8');

function ackMessage(site: string, deviceId: string, accepted: string[], rejected: Pick<RejectedEntry, 'index' | 'id' | 'code' | 'message'>[], committedAt: number): Outgoing {
  const ack: Ack = {
    deviceId,
    accepted,
    rejected: rejected.map((r) => ({ index: r.index, code: r.code, message: clip(r.message, MAX_REASON_CHARS), ...(r.id ? { id: r.id } : {}) })),
    committedAt,
  };
  return { topic: topics.ack(site, deviceId), payload: JSON.stringify(ack) };
}
