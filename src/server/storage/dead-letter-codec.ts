import { describeIssues } from '../../core/events.schema.ts';
import { FloorboardError } from '../../core/errors.ts';
import { MAX_DEAD_LETTER_BYTES, deadLetterInputSchema, type DeadLetterInput } from './storage.ts';

/** A dead letter ready for either engine: text cleaned, payload cut, sizes known. */
export interface PreparedDeadLetter extends DeadLetterInput {
  payloadBytes: number;
  isTruncated: boolean;
}

/**
 * PostgreSQL text cannot hold U+0000 and a hostile payload may carry it; both engines store the
 * same replacement so they read back alike.
 */
export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): { text: string; bytes: number; isTruncated: boolean } {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes <= maxBytes) return { text, bytes, isTruncated: false };
  const buffer = Buffer.from(text, 'utf8');
  let end = maxBytes;
  // Back off over continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && ((buffer[end] ?? 0) & 0xc0) === 0x80) end--;
  return { text: buffer.subarray(0, end).toString('utf8'), bytes, isTruncated: true };
}

/** Validates a dead letter and prepares it for storage. */
export function prepareDeadLetter(input: DeadLetterInput): PreparedDeadLetter {
  const parsed = deadLetterInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new FloorboardError('invalid-arguments', 'storage refused the dead letter', {
      details: describeIssues(parsed.error),
    });
  }
  const letter = parsed.data;
  const cut = truncateUtf8(withoutNul(letter.payload), MAX_DEAD_LETTER_BYTES);
  return {
    receivedAt: letter.receivedAt,
    topic: withoutNul(letter.topic),
    ...(letter.deviceId === undefined ? {} : { deviceId: withoutNul(letter.deviceId) }),
    code: letter.code,
    message: withoutNul(letter.message),
    payload: cut.text,
    payloadBytes: Buffer.byteLength(letter.payload, 'utf8'),
    isTruncated: cut.isTruncated,
  };
}
