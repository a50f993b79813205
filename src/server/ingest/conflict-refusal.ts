import type { InsertResult, StoredEventInput } from '../storage/storage.ts';
import type { DeadLetterWriter } from './dead-letters.ts';
import type { IngestMessage, Outgoing, Pending } from './ingest-group.ts';

/**
 * Takes resends with an id stored before but other content out of their messages' records (not
 * stored, not accepted) and refuses them with `conflict`: the device hears why and stops sending
 * it, an admin sees both contents (the first in storage, the second in the dead letter). After
 * the insert, so a failure here leaves the group's events stored; its redelivery finds them as
 * duplicates and refuses the conflict again. Returns the insert's result without the conflicts.
 */
export async function refuseConflicts(
  deadLetter: DeadLetterWriter,
  messages: readonly IngestMessage[],
  pending: (Pending | null)[],
  results: Outgoing[][],
  conflicts: ReadonlySet<StoredEventInput>,
  inserted: InsertResult,
): Promise<InsertResult> {
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
