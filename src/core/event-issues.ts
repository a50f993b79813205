import type * as z from 'zod/mini';
import { correctablePayloadSchema, eventEnvelopeSchema, eventPayloadSchema } from './events.schema.ts';

type Issue = z.core.$ZodIssue;

const correctableTypes = new Set(correctablePayloadSchema._zod.def.options.map((o) => o.shape.type._zod.def.values[0] as string));
const allTypes = [...correctableTypes, 'correction', 'void'];

/**
 * zod reports a failed union as "Invalid input" at the union's path. Descend into the branch
 * that came closest (fewest issues; the later branch on a tie, which carries the fuller message).
 */
function flatten(issues: readonly Issue[], prefix: readonly PropertyKey[] = []): string[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = issue.errors.reduce((a, b) => (b.length <= a.length ? b : a));
      if (best.length > 0) return flatten(best, path);
    }
    return [`${path.length ? path.map(String).join('.') : '(root)'}: ${issue.message}`];
  });
}

/** Longest part of an unknown `type` quoted back: a client may send a 200 KB string there. */
const PREVIEW_CHARS = 64;

/**
 * A short, safe rendering of a value a client sent: strings cut, objects and arrays named, never
 * serialised (one nested 10,000 deep overflows JSON.stringify's stack).
 */
function preview(value: unknown): string {
  if (typeof value === 'string') return value.length > PREVIEW_CHARS ? `${JSON.stringify(value.slice(0, PREVIEW_CHARS))}... (${value.length} characters)` : JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

/**
 * Precise reasons why a value is not a valid event: the envelope and the payload are checked
 * separately and the payload against the schema of its own `type`, so a bad count says
 * "good: ..." instead of the union's "(root): Invalid input".
 */
export function describeEventProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['(root): must be a JSON object'];
  const problems: string[] = [];
  const envelope = eventEnvelopeSchema.safeParse(value);
  if (!envelope.success) problems.push(...flatten(envelope.error.issues));
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !allTypes.includes(type)) {
    problems.push(`type: ${type === undefined ? 'is missing' : `unknown event type ${preview(type)}`}; expected one of ${allTypes.join(', ')}`);
    return problems;
  }
  const payload = (correctableTypes.has(type) ? correctablePayloadSchema : eventPayloadSchema).safeParse(value);
  if (!payload.success) problems.push(...flatten(payload.error.issues));
  return problems;
}
