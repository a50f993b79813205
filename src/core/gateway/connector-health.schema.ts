import * as z from 'zod/mini';
import { epochMsSchema, topicIdSchema } from '../ids.schema.ts';

/** Protocols a station connector speaks (the `protocol` of its mapping in the plant file). */
const protocolSchema = z.string().check(z.regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a protocol name such as "opcua"'));

/** How one station's machine connection is doing, as its gateway sees it. */
export const connectorHealthSchema = z.strictObject({
  stationId: topicIdSchema,
  protocol: protocolSchema,
  connected: z.boolean(),
  /** When the machine last answered with a value (a change, or a poll); null: never since the gateway started. */
  lastValueAt: z.nullable(epochMsSchema),
  /** Connection and read errors since the gateway started. */
  errorCount: z.number().check(z.int(), z.minimum(0)),
  lastError: z.nullable(z.strictObject({ at: epochMsSchema, message: z.string().check(z.maxLength(500)) })),
});
export type ConnectorHealth = z.infer<typeof connectorHealthSchema>;

/**
 * The retained message a gateway keeps on `topics.connectorHealth(site, deviceId)`: its connectors'
 * health at `at`, sent again at least every `everySec`. A report older than a few of those means
 * the gateway itself is silent, and its connectors count as disconnected (`isHealthStale`).
 */
export const connectorHealthReportSchema = z.strictObject({
  v: z.literal(1),
  deviceId: topicIdSchema,
  at: epochMsSchema,
  everySec: z.number().check(z.positive(), z.maximum(3600)),
  connectors: z.array(connectorHealthSchema).check(z.maxLength(1000)),
});
export type ConnectorHealthReport = z.infer<typeof connectorHealthReportSchema>;

/** Reports missed before a gateway counts as silent. */
export const STALE_AFTER_REPORTS = 3;

/** Is the report too old to believe (its gateway stopped reporting)? */
export const isHealthStale = (report: Pick<ConnectorHealthReport, 'at' | 'everySec'>, now: number): boolean => now - report.at > STALE_AFTER_REPORTS * report.everySec * 1000;
