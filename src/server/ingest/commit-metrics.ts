import type { ServiceMetrics } from '../metrics.ts';
import type { StoredEventInput } from '../storage/storage.ts';
import type { Written } from './ingest-group.ts';
import type { IngestTopic } from './parse-message.ts';

/** Counts a written group in the metrics; returns the records it stored (not those that were duplicates). */
export function countCommitted(metrics: ServiceMetrics, group: Written): StoredEventInput[] {
  const { pending, records, result, startedAt, committedAt } = group;
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
  // Derived records (machine fault reasons) are the service's own: passed on when stored, not counted as ingested.
  if (inserted) for (const r of group.derived) if (inserted.delete(r.event.id)) stored.push(r);
  for (const [kind, count] of ingested) metrics.ingested.inc({ kind }, count);
  metrics.duplicates.inc(result.duplicates.length);
  for (const r of stored) metrics.ingestLag.observe(Math.max(0, committedAt - r.correctedTs) / 1000);
  metrics.commitDuration.observe((committedAt - startedAt) / 1000);
  return stored;
}
