import { topics, type RejectCode } from '../../core/index.ts';
import { FloorboardError } from '../../core/errors.ts';
import type { ServiceMetrics } from '../metrics.ts';
import type { DeadLetterInput, Storage } from '../storage/storage.ts';
import type { Outgoing } from './ingest-group.ts';

/** Longest refusal reason stored, published or acked: a client's text can end up in one. */
export const MAX_REASON_CHARS = 1000;
/** The dead-letter table's topic limit; MQTT allows topics of 64 KiB. */
const MAX_TOPIC_CHARS = 1024;
/** Payload kept of an entry that could not be written down as it is. */
export const FALLBACK_PAYLOAD_CHARS = 4096;

/** `text` in at most `maxChars` characters, marked when cut. */
export const clip = (text: string, maxChars: number) => (text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text);

/** A rejected entry as JSON text, or null when it cannot be serialised (too deep, a BigInt). */
export function entryText(raw: unknown): string | null {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return null;
  }
}

export type DeadLetterWriter = (topic: string, code: RejectCode, message: string, payload: string, receivedAt: number, deviceId?: string) => Promise<Outgoing>;

/**
 * Stores, counts and announces one dead letter. Everything a client sent is cut to the table's
 * limits first, so no payload can make the letter itself fail (and the message with it).
 */
export function createDeadLetters(storage: Storage, metrics: ServiceMetrics, site: () => string): DeadLetterWriter {
  function notice(letter: Omit<DeadLetterInput, 'payload'>): Outgoing {
    const { receivedAt, topic, code, message, deviceId } = letter;
    metrics.deadLetters.inc({ code });
    metrics.rejected.inc({ code });
    return { topic: topics.deadLetter(site()), payload: JSON.stringify({ receivedAt, topic, code, message, ...(deviceId ? { deviceId } : {}) }) };
  }
  return async (topic, code, message, payload, receivedAt, deviceId) => {
    const letter = { receivedAt, topic: clip(topic, MAX_TOPIC_CHARS), code, message: clip(message, MAX_REASON_CHARS), payload, ...(deviceId ? { deviceId } : {}) };
    try {
      await storage.insertDeadLetter(letter);
    } catch (error) {
      // Storage refused the letter's content (not its own failure): store what surely fits.
      if (!(error instanceof FloorboardError) || error.code !== 'invalid-arguments') throw error;
      const fallback = { receivedAt, topic: letter.topic, code: 'bad-shape' as const, message: `${letter.code}: could not be stored as received`, payload: clip(payload, FALLBACK_PAYLOAD_CHARS) };
      await storage.insertDeadLetter(fallback);
      return notice(fallback);
    }
    return notice(letter);
  };
}
