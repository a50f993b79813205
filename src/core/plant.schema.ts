import * as z from 'zod/mini';
import { topicIdSchema } from './ids.schema.ts';
import { andonConfigSchema, andonIssues } from './andon/rules.schema.ts';
import { stationConnectorSchema } from './gateway/connector.schema.ts';

/** The loss a reason is booked to: a planned stop (excluded from planned time) or one of the six big losses. */
export const lossCategories = [
  'planned',
  'breakdown', // availability: equipment failure
  'setup', // availability: setup and adjustments
  'minor-stop', // performance: idling and minor stops
  'reduced-speed', // performance
  'process-defect', // quality: rejects in steady state
  'reduced-yield', // quality: rejects during start-up
] as const;
export const lossCategorySchema = z.enum(lossCategories);
export type LossCategory = z.infer<typeof lossCategorySchema>;

const hhmm = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day "HH:MM" (24 h)'));
const isoDate = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date "YYYY-MM-DD"'));
const isoInstant = z.string().check(
  z.refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s)), 'must be a time with its zone, e.g. "2026-12-05T06:00:00Z"'),
);
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const breakSchema = z.strictObject({
  name: z.string().check(z.minLength(1)),
  start: hhmm,
  end: hhmm,
});

/** A shift in the weekly pattern. `end` before `start` means the shift runs past midnight. */
export const shiftSchema = z.strictObject({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  days: z.array(z.enum(weekdays)).check(z.minLength(1)),
  start: hhmm,
  end: hhmm,
  breaks: z._default(z.array(breakSchema), []),
});
export type Shift = z.infer<typeof shiftSchema>;

/** Dated exceptions: a holiday cancels shifts on a date; an extra shift adds one. */
export const calendarExceptionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('holiday'),
    date: isoDate,
    name: z.string().check(z.minLength(1)),
    /** Only these shifts are cancelled; all shifts starting that date when omitted. */
    shiftIds: z.optional(z.array(topicIdSchema)),
  }),
  z.strictObject({
    kind: z.literal('extra'),
    date: isoDate,
    name: z.string().check(z.minLength(1)),
    shift: z.omit(shiftSchema, { days: true }),
  }),
]);
export type CalendarException = z.infer<typeof calendarExceptionSchema>;

const calendarFields = {
  /** IANA time zone the shift times are written in, e.g. "Europe/Berlin". */
  timezone: z.string().check(z.minLength(1)),
  shifts: z.array(shiftSchema).check(z.minLength(1)),
  exceptions: z._default(z.array(calendarExceptionSchema), []),
};

export const calendarSchema = z.strictObject({
  ...calendarFields,
  /**
   * Earlier calendars: shifts that start before `until` are taken from the earliest of these whose
   * `until` is after their start. Written by a plant version that changes the calendar with an
   * effective time (issue 13), so planned time before it is not rewritten.
   */
  before: z.optional(z.array(z.strictObject({ until: isoInstant, ...calendarFields }))),
});
export type Calendar = z.infer<typeof calendarSchema>;

export const productSchema = z.strictObject({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
});

/** The ideal cycle time belongs to a product on a line: the same part runs at different speeds on different lines. */
export const lineProductSchema = z.strictObject({
  productId: topicIdSchema,
  idealCycleTimeSec: z.number().check(z.positive()),
  /**
   * Earlier ideal cycle times: counts made before `until` keep the earliest of these whose `until`
   * is after them. Written by a plant version that changes the time with an effective time (issue 13).
   */
  idealCycleTimeBefore: z.optional(z.array(z.strictObject({ until: isoInstant, idealCycleTimeSec: z.number().check(z.positive()) }))),
});

export type LineProduct = z.infer<typeof lineProductSchema>;

export const stationSchema = z.strictObject({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  /** How `floorboard gateway` reads this station's machine (ADR 0013); none when the machine publishes signals itself. */
  connector: z.optional(stationConnectorSchema),
});

export const lineSchema = z.strictObject({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  stations: z.array(stationSchema).check(z.minLength(1)),
  products: z.array(lineProductSchema).check(z.minLength(1)),
  /** Stops shorter than this are minor stops (performance loss) and need no reason. */
  smallStopThresholdSec: z._default(z.number().check(z.positive()), 120),
  /** Rejects within this many seconds after a changeover end are start-up rejects (reduced yield). */
  startupRejectWindowSec: z._default(z.number().check(z.minimum(0)), 600),
  /** Target OEE as a fraction 0..1, for dashboards. */
  targetOee: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.85),
  /** The station whose machine (gateway) signals stand for the line's state; the first station when omitted. */
  machineStationId: z.optional(topicIdSchema),
  /** A line with a gateway has "no data" when its signals (heartbeats included) stop for longer than this. */
  heartbeatTimeoutSec: z._default(z.number().check(z.positive()), 60),
  /** Monitoring starts here (ISO 8601 with offset); otherwise at the line's first event. Time before it is "no data". */
  monitoredFrom: z.optional(z.iso.datetime({ offset: true })),
  /** How OEE books time nobody saw: left out of planned time (default), or counted as an unplanned stop. Never as running. */
  noData: z._default(z.enum(['excluded', 'unplanned-stop']), 'excluded'),
});
export type Line = z.infer<typeof lineSchema>;

export const areaSchema = z.strictObject({
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  lines: z.array(lineSchema).check(z.minLength(1)),
});

export const reasonSchema = z.strictObject({
  id: topicIdSchema,
  label: z.string().check(z.minLength(1)),
  /** Translations of the label by language tag, e.g. { "de": "Werkzeugbruch" }. */
  labels: z._default(z.record(z.string(), z.string()), {}),
  loss: lossCategorySchema,
  /**
   * Earlier loss categories of this reason: stops that began before `until` stay booked to `loss`
   * there. Written by a plant version that changes the category with an effective time (issue 13),
   * so the stops before it are not rewritten.
   */
  lossBefore: z.optional(z.array(z.strictObject({ until: isoInstant, loss: lossCategorySchema }))),
});

export const reasonCategorySchema = z.extend(reasonSchema, {
  /** Second level; a tree is at most two levels deep. */
  children: z._default(z.array(reasonSchema), []),
});
export type ReasonCategory = z.infer<typeof reasonCategorySchema>;

export const roles = ['operator', 'lead', 'manager', 'admin', 'gateway', 'importer'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

/** A secret as stored: never the secret itself. Format "scrypt$N$r$p$saltB64$hashB64". */
export const secretHashSchema = z
  .string()
  .check(z.regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be a scrypt hash "scrypt$N$r$p$salt$hash"'));

const userBase = {
  id: topicIdSchema,
  name: z.string().check(z.minLength(1)),
  /** A disabled user cannot sign in and loses its sessions; kept so its entries keep their author. */
  disabled: z.optional(z.boolean()),
};
export const userSchema = z.discriminatedUnion('role', [
  z.strictObject({ ...userBase, role: z.literal('operator'), badge: z.string().check(z.minLength(1)), pinHash: secretHashSchema, stations: z.array(topicIdSchema).check(z.minLength(1)) }),
  z.strictObject({ ...userBase, role: z.literal('lead'), passwordHash: secretHashSchema, lines: z.array(topicIdSchema).check(z.minLength(1)) }),
  z.strictObject({
    ...userBase,
    role: z.literal('manager'),
    passwordHash: secretHashSchema,
    /** The whole site when omitted. */
    areas: z.optional(z.array(topicIdSchema)),
  }),
  z.strictObject({ ...userBase, role: z.literal('admin'), passwordHash: secretHashSchema }),
  z.strictObject({ ...userBase, role: z.literal('gateway'), passwordHash: secretHashSchema, stations: z.array(topicIdSchema).check(z.minLength(1)) }),
  /** `floorboard import --publish`: writes paper and spreadsheet logs for its lines' stations, reads nothing (least privilege). */
  z.strictObject({ ...userBase, role: z.literal('importer'), passwordHash: secretHashSchema, lines: z.array(topicIdSchema).check(z.minLength(1)) }),
]);
export type User = z.infer<typeof userSchema>;

const plantObjectSchema = z.strictObject({
  schemaVersion: z.literal(1),
  site: z.strictObject({ id: topicIdSchema, name: z.string().check(z.minLength(1)) }),
  calendar: calendarSchema,
  products: z.array(productSchema).check(z.minLength(1)),
  areas: z.array(areaSchema).check(z.minLength(1)),
  reasons: z.array(reasonCategorySchema).check(z.minLength(1)),
  users: z._default(z.array(userSchema), []),
  /** Andon rules and where calls are delivered (src/core/andon); none when omitted. */
  andon: z._default(andonConfigSchema, { rules: [], webhooks: [] }),
});

/** The plant file: one validated document. Cross-references are checked here, so a bad file names every broken path. */
export const plantSchema = plantObjectSchema.check(z.superRefine((plant, ctx) => {
  const productIds = new Set(plant.products.map((p) => p.id));
  const seen = new Map<string, string>();
  const unique = (id: string, kind: string, path: (string | number)[]) => {
    const key = `${kind}:${id}`;
    if (seen.has(key)) ctx.addIssue({ code: 'custom', path, message: `duplicate ${kind} id "${id}" (also at ${seen.get(key)})` });
    else seen.set(key, path.join('.'));
  };
  plant.products.forEach((p, i) => unique(p.id, 'product', ['products', i, 'id']));
  const stationIds = new Set<string>();
  const lineIds = new Set<string>();
  plant.areas.forEach((area, ai) => {
    unique(area.id, 'area', ['areas', ai, 'id']);
    area.lines.forEach((line, li) => {
      unique(line.id, 'line', ['areas', ai, 'lines', li, 'id']);
      lineIds.add(line.id);
      line.stations.forEach((st, si) => {
        unique(st.id, 'station', ['areas', ai, 'lines', li, 'stations', si, 'id']);
        stationIds.add(st.id);
      });
      if (line.machineStationId !== undefined && !line.stations.some((st) => st.id === line.machineStationId))
        ctx.addIssue({ code: 'custom', path: ['areas', ai, 'lines', li, 'machineStationId'], message: `"${line.machineStationId}" is not a station of line "${line.id}"` });
      line.products.forEach((lp, pi) => {
        if (!productIds.has(lp.productId))
          ctx.addIssue({ code: 'custom', path: ['areas', ai, 'lines', li, 'products', pi, 'productId'], message: `unknown product "${lp.productId}"` });
      });
    });
  });
  plant.calendar.shifts.forEach((s, i) => unique(s.id, 'shift', ['calendar', 'shifts', i, 'id']));
  if (plant.reasons.length > 12)
    ctx.addIssue({ code: 'custom', path: ['reasons'], message: `has ${plant.reasons.length} top-level categories; keep it to 6-8 (12 at most) so "Other" does not take over` });
  plant.reasons.forEach((r, ri) => {
    unique(r.id, 'reason', ['reasons', ri, 'id']);
    r.children.forEach((c, ci) => unique(c.id, 'reason', ['reasons', ri, 'children', ci, 'id']));
  });
  try {
    // The options of the core calendar's time-zone offsets (@date-fns/tz's tzOffset, which dates the
    // tablet's shift too): V8 keeps the ICU formatter it built, so a tablet's start pays for the
    // zone's data and patterns once, not twice.
    new Intl.DateTimeFormat('en-US', { timeZone: plant.calendar.timezone, timeZoneName: 'longOffset' });
  } catch {
    ctx.addIssue({ code: 'custom', path: ['calendar', 'timezone'], message: `unknown IANA time zone "${plant.calendar.timezone}"` });
  }
  const areaIds = new Set(plant.areas.map((a) => a.id));
  plant.users.forEach((u, ui) => {
    unique(u.id, 'user', ['users', ui, 'id']);
    const check = (ids: string[] | undefined, known: Set<string>, field: string, kind: string) =>
      ids?.forEach((id, k) => {
        if (!known.has(id)) ctx.addIssue({ code: 'custom', path: ['users', ui, field, k], message: `unknown ${kind} "${id}"` });
      });
    if (u.role === 'operator' || u.role === 'gateway') check(u.stations, stationIds, 'stations', 'station');
    if (u.role === 'lead' || u.role === 'importer') check(u.lines, lineIds, 'lines', 'line');
    if (u.role === 'manager') check(u.areas, areaIds, 'areas', 'area');
  });
  const reasonIds = new Set(plant.reasons.flatMap((r) => [r.id, ...r.children.map((c) => c.id)]));
  plant.areas.forEach((area, ai) =>
    area.lines.forEach((line, li) =>
      line.stations.forEach((st, si) => {
        const at = ['areas', ai, 'lines', li, 'stations', si, 'connector'];
        for (const [code, reasonId] of Object.entries(st.connector?.faultReasons ?? {}))
          if (!reasonIds.has(reasonId)) ctx.addIssue({ code: 'custom', path: [...at, 'faultReasons', code], message: `unknown reason "${reasonId}"` });
        for (const [program, productId] of Object.entries(st.connector?.products ?? {}))
          if (!productIds.has(productId)) ctx.addIssue({ code: 'custom', path: [...at, 'products', program], message: `unknown product "${productId}"` });
      }),
    ),
  );
  for (const issue of andonIssues(plant.andon, { lines: lineIds, areas: areaIds, reasons: new Set(plant.reasons.flatMap((r) => [r.id, ...r.children.map((c) => c.id)])) }))
    ctx.addIssue({ code: 'custom', ...issue });
  const badges = new Set<string>();
  plant.users.forEach((u, ui) => {
    if (u.role !== 'operator') return;
    if (badges.has(u.badge)) ctx.addIssue({ code: 'custom', path: ['users', ui, 'badge'], message: `duplicate badge "${u.badge}"` });
    badges.add(u.badge);
  });
}));
export type Plant = z.infer<typeof plantSchema>;
export type PlantInput = z.input<typeof plantSchema>;
