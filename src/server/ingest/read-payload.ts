import { MAX_PAYLOAD_BYTES, type RejectCode } from '../../core/index.ts';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './json-depth.ts';

/** Why a payload was not read: its dead letter's code and message. */
export interface PayloadRefusal {
  code: Extract<RejectCode, 'too-large' | 'bad-shape' | 'bad-json'>;
  message: string;
}

/**
 * An MQTT payload as JSON, or why not: too large, nested too deep, or not JSON. The depth is
 * checked before JSON.parse: everything after it (zod, a dead letter's JSON.stringify) recurses.
 * The plant's ingest and the centre's read every message through it.
 */
export function readPayload(payload: Buffer): { value: unknown } | PayloadRefusal {
  if (payload.length > MAX_PAYLOAD_BYTES) return { code: 'too-large', message: `payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  if (exceedsJsonDepth(payload)) return { code: 'bad-shape', message: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  try {
    return { value: JSON.parse(payload.toString('utf8')) as unknown };
  } catch (error) {
    return { code: 'bad-json', message: `not JSON: ${(error as Error).message}` };
  }
}
