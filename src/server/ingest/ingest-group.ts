import type { FloorEvent } from '../../core/index.ts';
import type { InsertResult, StoredEventInput } from '../storage/storage.ts';
import type { IngestTopic, ParsedMessage, RejectedEntry } from './parse-message.ts';

/** A message to publish once the commit is done. */
export interface Outgoing {
  topic: string;
  payload: string;
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
export interface Pending {
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
export interface Written {
  /** Per message, what to publish once the group is finished (its dead letters so far). */
  results: Outgoing[][];
  pending: (Pending | null)[];
  records: StoredEventInput[];
  /** Records the service derived from the group's events (machine fault reasons), in `records` too; acked to nobody. */
  derived: StoredEventInput[];
  result: InsertResult;
  site: string;
  startedAt: number;
  committedAt: number;
}
