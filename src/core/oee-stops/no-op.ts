import type { CorrectablePayload } from '../events.schema.ts';

/** Field values of a flat payload in key order, so two payloads compare whatever their key order. */
const canonical = (p: CorrectablePayload): string =>
  JSON.stringify(Object.entries(p).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * True when a correction would change nothing: its replacement says what the corrected event says
 * now ("Part jam → Part jam"). Such a correction is refused (service) and never sent (lead view),
 * so the audit trail lists only real changes.
 */
export function isNoOpCorrection(current: CorrectablePayload, replacement: CorrectablePayload): boolean {
  return canonical(current) === canonical(replacement);
}
