import { isDeepStrictEqual } from 'node:util';
import type { InsertResult, Storage, StoredEventInput } from '../storage/storage.ts';

/**
 * The records of a group whose id was already stored with different content: a resend that is not
 * the same event (issue 11, defect 7). The first stored content stays; these are refused with
 * `conflict`. Only ids the insert reported as duplicates are read back, so a group without
 * duplicates (nearly every one) costs nothing here.
 *
 * A record is compared as storage holds it (JSON text, so `-0` is `0`), key order aside.
 * Within one group the first copy of an id is the one stored, so it always equals what is read back.
 */
export async function findConflicts(storage: Storage, result: InsertResult, records: readonly StoredEventInput[]): Promise<Set<StoredEventInput>> {
  const conflicts = new Set<StoredEventInput>();
  if (result.duplicates.length === 0) return conflicts;
  const ids = [...new Set(result.duplicates)];
  const stored = new Map((await storage.listEvents({ ids })).events.map((e) => [e.event.id, e.event]));
  for (const record of records) {
    const first = stored.get(record.event.id);
    if (first && !isDeepStrictEqual(first, JSON.parse(JSON.stringify(record.event)))) conflicts.add(record);
  }
  return conflicts;
}
