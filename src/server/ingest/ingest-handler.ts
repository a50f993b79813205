import type { User } from '../../core/index.ts';
import type { PlantIndex } from '../../core/plant-index.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import type { RefusalSeal } from '../broker/refusal-seal.ts';
import { ackMessage, addGroupAcks } from './acks.ts';
import { checkAmendments } from './amendment-rights.ts';
import type { ClockTracker } from './clock-tracker.ts';
import { refuseConflicts } from './conflict-refusal.ts';
import { findConflicts } from './conflicts.ts';
import { currentPayloads } from './current-payloads.ts';
import { clip, createDeadLetters, entryText, FALLBACK_PAYLOAD_CHARS } from './dead-letters.ts';
import { createDeviceUpkeep } from './device-upkeep.ts';
import { createGroupCommit } from './group-commit.ts';
import type { IngestMessage, Outgoing, Pending, Written } from './ingest-group.ts';
import { parseMessage, type ParsedMessage } from './parse-message.ts';
import { countCommitted } from './commit-metrics.ts';
import { stampRecords } from './stamp-records.ts';
import { faultClassification } from '../../core/gateway/fault-reason.ts';

export type { IngestMessage, Outgoing } from './ingest-group.ts';

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
  const deadLetter = createDeadLetters(storage, metrics, () => deps.index().site);
  const writeDevices = createDeviceUpkeep(storage, deps.log);

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

    const { records, newest } = stampRecords(pending, refused, deps.clock);
    // Stored in the same commit as the machine stop they classify: never one without the other.
    const derived = records.flatMap((r) => {
      const e = faultClassification(r.event, index);
      return e ? [{ ...r, event: e, clockOffsetMs: 0, correctedTs: r.correctedTs }] : [];
    });
    records.push(...derived);

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
    await writeDevices(newest);

    const startedAt = pending.find((p) => p)?.receivedAt ?? deps.now();
    const inserted = records.length ? await storage.insertEvents(records) : { inserted: [], duplicates: [] };
    const conflicts = await findConflicts(storage, inserted, records);
    const result = conflicts.size ? await refuseConflicts(deadLetter, messages, pending, results, conflicts, inserted) : inserted;
    return { results, pending, records: conflicts.size ? records.filter((r) => !conflicts.has(r)) : records, derived, result, site: index.site, startedAt, committedAt: deps.now() };
  }

  /** After the group's write, with no I/O: metrics, live views, acks. */
  async function finishGroup(group: Written): Promise<Outgoing[][]> {
    const { results, pending, site, committedAt } = group;
    const stored = countCommitted(metrics, group);
    if (stored.length) {
      try {
        deps.onCommitted?.(stored);
      } catch (error) {
        // The events are committed: a fault in a live view must not make the broker deliver them
        // again (they would come back as duplicates, and the views would never see them).
        deps.log('live views failed on committed events', { error: (error as Error).message });
      }
    }

    addGroupAcks(pending, results, site, committedAt);
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

const payloadOf = (m: IngestMessage) => m.payload.toString('utf8');
