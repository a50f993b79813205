import * as z from 'zod/mini';
import { topicIdSchema } from '../ids.schema.ts';

/**
 * How a station's machine is read by `floorboard gateway` (ADR 0013): which OPC UA server, which
 * nodes, and what their values mean in Floorboard's terms. It lives in the plant file beside the
 * station, so the service and the gateway read one truth. Secrets never do: a password is named by
 * the environment variable that holds it.
 */

/** OPC UA node ids in their string form, e.g. `ns=2;s=Line.State` or `i=2258`. */
export const nodeIdSchema = z.string().check(
  z.regex(/^(ns=\d+;|nsu=[^;]+;)?[isgb]=.+$/, 'must be an OPC UA node id such as "ns=1;s=Machine.State" or "i=2258"'),
);

export const securityModes = ['None', 'Sign', 'SignAndEncrypt'] as const;
export const securityPolicies = ['None', 'Basic256Sha256', 'Aes128_Sha256_RsaOaep', 'Aes256_Sha256_RsaPss'] as const;

/** Source values as the machine sends them; numbers and strings compare by their text ("3" is 3). */
const sourceValues = z.array(z.union([z.string().check(z.minLength(1)), z.number()])).check(z.minLength(1, 'must list at least one source value'));

export const opcuaConnectorSchema = z.strictObject({
  protocol: z.literal('opcua'),
  endpoint: z.string().check(z.regex(/^opc\.tcp:\/\/[^\s/:]+(:\d{1,5})?(\/\S*)?$/, 'must be an OPC UA endpoint "opc.tcp://host:port/path"')),
  securityMode: z._default(z.enum(securityModes), 'None'),
  securityPolicy: z._default(z.enum(securityPolicies), 'None'),
  /** A user identity; anonymous without. `passwordEnv` names the environment variable with the password. */
  user: z.optional(
    z.strictObject({
      name: z.string().check(z.minLength(1, 'must not be empty')),
      passwordEnv: z.string().check(z.regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable (A-Z, 0-9, "_"), never the password itself')),
    }),
  ),
  nodes: z.strictObject({
    state: nodeIdSchema,
    counter: nodeIdSchema,
    rejectCounter: z.optional(nodeIdSchema),
    /** A fault code (alarm number) read beside the state; sent with a fault as the state's `code`. */
    faultCode: z.optional(nodeIdSchema),
    /** The program or product number the machine runs, mapped to a product by `products`. */
    product: z.optional(nodeIdSchema),
  }),
  /** Which state values mean running, stopped and fault; any other value is "stopped" too, with the value as its code. */
  states: z.strictObject({ running: sourceValues, stopped: z.optional(sourceValues), fault: z.optional(sourceValues) }),
  /** Fault code -> stop reason id, so a known alarm names its cause. */
  faultReasons: z.optional(z.record(z.string().check(z.minLength(1)), topicIdSchema)),
  /** Program or product number -> product id. */
  products: z.optional(z.record(z.string().check(z.minLength(1)), topicIdSchema)),
  /** Bits of the machine's counters: they roll over from 2^bits - 1 to 0. Without it, every drop is a reset. */
  counterBits: z.optional(z.number().check(z.int('must be a whole number of bits'), z.minimum(8, 'must be at least 8 bits'), z.maximum(48, 'must be at most 48 bits'))),
  /** Seconds between heartbeats while the machine is connected; keep it well under the line's `heartbeatTimeoutSec`. */
  heartbeatSec: z._default(z.number().check(z.positive('must be above 0'), z.maximum(3600)), 10),
});
export type OpcuaConnector = z.infer<typeof opcuaConnectorSchema>;

/** A Modbus data item: a coil or discrete input (read as 1 or 0), or a holding or input register. */
export const modbusPointSchema = z.strictObject({
  table: z.enum(['coil', 'discrete', 'holding', 'input']),
  /** Zero-based address on the wire (register 40001 is holding address 0). */
  address: z.number().check(z.int('must be a whole number'), z.minimum(0), z.maximum(65_535)),
  /** Registers only: 2 reads a 32-bit unsigned value from two registers, high word first. */
  words: z._default(z.union([z.literal(1), z.literal(2)]), 1),
}).check(z.refine((p) => p.words === 1 || p.table === 'holding' || p.table === 'input', { message: 'a coil or discrete input is one bit: words must be 1', path: ['words'] }));
export type ModbusPoint = z.infer<typeof modbusPointSchema>;

/** Modbus TCP: polled, not subscribed. The meaning of values is mapped as for OPC UA. */
export const modbusConnectorSchema = z.strictObject({
  protocol: z.literal('modbus'),
  host: z.string().check(z.regex(/^[A-Za-z0-9.-]{1,253}$|^\[[0-9a-fA-F:]+\]$/, 'must be a host name or IP address')),
  port: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(65_535)), 502),
  /** The unit (slave) id the device answers to. */
  unitId: z._default(z.number().check(z.int(), z.minimum(0), z.maximum(255)), 1),
  /** Milliseconds between polls. */
  pollMs: z._default(z.number().check(z.int(), z.minimum(100, 'must be at least 100 ms'), z.maximum(60_000)), 1000),
  /** How long one read may take before the connection counts as lost. */
  timeoutMs: z._default(z.number().check(z.int(), z.minimum(100), z.maximum(30_000)), 2000),
  nodes: z.strictObject({
    state: modbusPointSchema,
    counter: modbusPointSchema,
    rejectCounter: z.optional(modbusPointSchema),
    faultCode: z.optional(modbusPointSchema),
    product: z.optional(modbusPointSchema),
  }),
  states: opcuaConnectorSchema.shape.states,
  faultReasons: opcuaConnectorSchema.shape.faultReasons,
  products: opcuaConnectorSchema.shape.products,
  counterBits: opcuaConnectorSchema.shape.counterBits,
  heartbeatSec: opcuaConnectorSchema.shape.heartbeatSec,
});
export type ModbusConnector = z.infer<typeof modbusConnectorSchema>;

/** A Sparkplug B id (group, edge node, device): no MQTT wildcards or separators (Sparkplug 3.0). */
const sparkplugIdSchema = z.string().check(z.regex(/^[^/#+\s]{1,64}$/, 'must be a Sparkplug id: no "/", "#", "+" or spaces'));
/** A metric name as its edge node's BIRTH names it, e.g. "Machine/State". */
const metricNameSchema = z.string().check(z.minLength(1, 'must name a metric'), z.maxLength(256));

/**
 * Sparkplug B from any MQTT broker (a unified namespace, Ignition, HiveMQ): the edge node (and,
 * with `deviceId`, its device) whose metrics stand for the machine. Values are mapped as for OPC UA.
 */
export const sparkplugConnectorSchema = z.strictObject({
  protocol: z.literal('sparkplug'),
  broker: z.string().check(z.regex(/^(mqtts?|wss?):\/\/\S+$/, 'must be an MQTT broker URL "mqtt://host:1883" (or mqtts, ws, wss)')),
  user: opcuaConnectorSchema.shape.user,
  groupId: sparkplugIdSchema,
  edgeNodeId: sparkplugIdSchema,
  /** The device of the edge node whose metrics these are; the edge node's own metrics without it. */
  deviceId: z.optional(sparkplugIdSchema),
  nodes: z.strictObject({
    state: metricNameSchema,
    counter: metricNameSchema,
    rejectCounter: z.optional(metricNameSchema),
    faultCode: z.optional(metricNameSchema),
    product: z.optional(metricNameSchema),
  }),
  states: opcuaConnectorSchema.shape.states,
  faultReasons: opcuaConnectorSchema.shape.faultReasons,
  products: opcuaConnectorSchema.shape.products,
  counterBits: opcuaConnectorSchema.shape.counterBits,
  heartbeatSec: opcuaConnectorSchema.shape.heartbeatSec,
});
export type SparkplugConnector = z.infer<typeof sparkplugConnectorSchema>;

/** One discriminated union: OPC UA, Modbus TCP and Sparkplug B are `protocol`s of it. */
export const stationConnectorSchema = z.discriminatedUnion('protocol', [opcuaConnectorSchema, modbusConnectorSchema, sparkplugConnectorSchema]).check(
  z.superRefine((c, ctx) => {
    const seen = new Map<string, string>();
    for (const state of ['running', 'stopped', 'fault'] as const)
      (c.states[state] ?? []).forEach((v, i) => {
        const key = String(v);
        const other = seen.get(key);
        if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['states', state, i], message: `value "${key}" already means ${other}` });
        else seen.set(key, state);
      });
    if (c.faultReasons !== undefined && c.nodes.faultCode === undefined)
      ctx.addIssue({ code: 'custom', path: ['faultReasons'], message: 'needs nodes.faultCode to read the code from' });
    if (c.products !== undefined && c.nodes.product === undefined)
      ctx.addIssue({ code: 'custom', path: ['products'], message: 'needs nodes.product to read the program from' });
    if (c.protocol === 'opcua' && (c.securityMode === 'None') !== (c.securityPolicy === 'None'))
      ctx.addIssue({ code: 'custom', path: ['securityPolicy'], message: 'securityMode "None" goes with securityPolicy "None", and only with it' });
  }),
);
export type StationConnector = z.infer<typeof stationConnectorSchema>;
