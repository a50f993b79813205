import { contentUlid } from '../import/event-id.ts';

/**
 * The id of an event a connector makes from one value change: a ULID whose time is the source
 * timestamp and whose rest is a hash of (source, node, source timestamp). The same change,
 * delivered again after a reconnect or replayed from the gateway's queue, gets the same id, and
 * ingest stores it once (ADR 0003).
 */
export const machineEventId = (source: string, node: string, sourceTs: number): string => contentUlid(sourceTs, `${source}|${node}|${sourceTs}`);
