import { compile } from 'zod/mini';
import { eventSchema } from './events.schema.ts';

/**
 * `eventSchema` compiled by zod into one generated function: a valid event parses several times
 * faster (docs/benchmarks.md), an invalid one falls back to the ordinary parse, so its issues are the
 * same. For the service's and the CLI's hot paths; kept apart from events.schema.ts so the tablet,
 * which parses a few events at a time, does not ship the compiler.
 */
export const compiledEventSchema = compile(eventSchema);
