import * as z from 'zod/mini';

/** One station's machine connector as the service last heard of it from its gateway. */
export const connectorRowSchema = z.object({
  stationId: z.string(),
  lineId: z.string(),
  /** The gateway's device id (its MQTT client id). */
  gatewayId: z.string(),
  protocol: z.string(),
  /** False too when the gateway itself went silent (`isStale`). */
  connected: z.boolean(),
  lastValueAt: z.nullable(z.number()),
  errorCount: z.number(),
  lastError: z.nullable(z.object({ at: z.number(), message: z.string() })),
  /** When the gateway sent this. */
  reportedAt: z.number(),
  /** The gateway has not reported for a while: what it said last may no longer hold. */
  isStale: z.boolean(),
});
export type ConnectorRowWire = z.infer<typeof connectorRowSchema>;

/** GET /api/connectors: every station connector a gateway reported on, by station. */
export const connectorsSchema = z.object({ connectors: z.array(connectorRowSchema) });
export type ConnectorsWire = z.infer<typeof connectorsSchema>;
