import { ANDON_READ_TYPES, andonCallLog, isOpen, isTakenBack, type AndonCall } from '../../core/andon/calls.ts';
import { SERVICE_AUTHOR } from '../../core/gateway/fault-reason.ts';
import { emptyEngineState, evaluate, ruleOfCall, withCalls, type AndonAction, type AndonEngineState, type AndonRules } from '../../core/andon/engine.ts';
import { factsOf } from '../../core/andon/facts.ts';
import { reasonParents, rulesByLine } from '../../core/andon/rule-scope.ts';
import { contentUlid } from '../../core/import/event-id.ts';
import { EVENT_SCHEMA_VERSION, topics, type FloorEvent, type User } from '../../core/index.ts';
import type { IndexedLine, PlantIndex } from '../../core/plant-index.ts';
import type { FoldedLine } from '../../core/station-state/fold.ts';
import type { TokenService } from '../auth/tokens.ts';
import type { Storage, StoredEventInput } from '../storage/storage.ts';
import type { AndonRouteDeps } from '../http/andon-routes.ts';
import { viewOf, type CallView } from './call-view.ts';
import { DeliveryLog } from './delivery-log.ts';
import { DeliveryQueue, type TryOnce } from './delivery-queue.ts';
import { EmailDelivery } from './email-delivery.ts';
import { WebhookDelivery, type DeliveryOptions } from './webhook-delivery.ts';
import type { SmtpServer } from '../smtp-config.ts';
import { withLeaderVersion } from '../cluster/leader-version.ts';

/** The service's own device and author for the events it writes (raises, escalations, auto resolves). */
export const ANDON_DEVICE_ID = 'floorboard-andon';
export const ANDON_AUTHOR = SERVICE_AUTHOR;
/** What andon reads: its events and the voids (a caller's take-back of a call is the void of its raise; only those are kept). */
export const ANDON_TYPES = ANDON_READ_TYPES;
const ANDON_TYPE_SET: ReadonlySet<string> = new Set(ANDON_TYPES.filter((t) => t !== 'void'));
/** Calls this old (and resolved) are dropped from memory; the API reads older ones from storage. */
const KEEP_MS = 24 * 3600_000;
/** The evaluator looks at least this often; sooner when a threshold or an escalation is due. */
export const TICK_MS = 1000;

export interface AndonOptions {
  storage: Storage;
  index: PlantIndex;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  users: () => readonly User[];
  tokens: TokenService;
  /** Delivery tries, timeout and backoff (tests make them short); the webhook secrets by env name. */
  delivery?: Partial<Omit<DeliveryOptions, 'now' | 'log' | 'queue' | 'onAttempt'>>;
  /** The service's SMTP server; calls are mailed when the plant file's `andon.email` is set too. */
  smtp?: SmtpServer | null;
}

/** What the service wiring needs of andon: what its routes need, two hooks, start and stop. */
export interface Andon {
  /** What its HTTP door (http/andon-routes.ts) needs; the service wiring mounts it. */
  routeDeps: AndonRouteDeps;
  /** Events just committed (ingest's and andon's own): button calls, acks, resolves. Before `start`, taken in without announcing them (a cluster's follower). */
  onCommitted(records: readonly StoredEventInput[]): void;
  /** The calls of the last day from storage, without announcing or evaluating: a cluster's follower answers the API from them. */
  load(): Promise<void>;
  /** The live fold's reading of a line: the facts the rules are evaluated on (one truth). */
  onRead(indexed: IndexedLine, folded: FoldedLine): void;
  /** A new plant version: its rules, recipients and lines from the next evaluation on. */
  setIndex(index: PlantIndex): void;
  /**
   * Starts evaluating and delivering. `mayDeliver`: a cluster leader's lease (webhooks and mail
   * are tried only while it is held; a try it holds back is made by the next leader).
   */
  start(io: { publish: (topic: string, payload: string, options?: { retain?: boolean }) => Promise<void>; committed: (records: readonly StoredEventInput[]) => void; mayDeliver?: () => boolean; /** A cluster's leader: the version each retained publish carries (ADR 0017). */ version?: () => number }): Promise<void>;
  stop(): Promise<void>;
}

/** An answer to a call made through the API (acknowledge, resolve). */
export type AnswerResult = { ok: true; call: CallView } | { ok: false; code: 'not-found' | 'forbidden' | 'conflict'; message: string };

/**
 * Andon in the service: evaluates the plant's rules every second (and at the moment a threshold or
 * escalation is due) on the live fold's facts with the service's clock; writes raises, escalations
 * and automatic resolves as events through storage and the commit path; keeps the call log of
 * every committed andon event (button calls from tablets, acks and resolves from the API); publishes
 * each line's open calls retained on `.../<line>/andon` and every change on `.../<line>/andon/calls`;
 * and delivers changes to the plant's webhooks.
 */
/** Changes committed this long before a start are checked for a first try (`announceMissed`). */
const MISSED_MS = 10 * 60_000;

export function createAndon(o: AndonOptions): Andon {
  /** The plant's current index: a new plant version swaps it and the rules (`setIndex`). */
  let index = o.index;
  const rulesOf = (plant: PlantIndex['plant']): AndonRules => ({
    byLine: rulesByLine(plant),
    byId: new Map(plant.andon.rules.map((r) => [r.id, r])),
    parents: reasonParents(plant),
  });
  // One object, changed in place: the routes hold it.
  const rules: AndonRules = rulesOf(index.plant);
  // One queue for every channel, every try stored: one delivery log per call that outlives a restart.
  const deliveryLog = new DeliveryLog(o.storage, o.log);
  const queue = new DeliveryQueue({ now: o.now, log: o.log, ...o.delivery, onAttempt: (r, a) => deliveryLog.record(r, a) });
  deliveryLog.attach(queue);
  const delivery = new WebhookDelivery({ now: o.now, log: o.log, secretOf: (name) => process.env[name], ...o.delivery, queue });
  const emailOf = (i: PlantIndex) =>
    i.plant.andon.email && o.smtp ? new EmailDelivery({ smtp: o.smtp, email: i.plant.andon.email, index: i, queue, ...(o.delivery?.timeoutMs ? { timeoutMs: o.delivery.timeoutMs } : {}) }) : null;
  let email = emailOf(index);
  const facts = new Map<string, FoldedLine>();
  /** Andon events committed, by id, and when each arrived. */
  const events = new Map<string, FloorEvent>();
  const receivedAt = new Map<string, number>();
  let calls = new Map<string, AndonCall>();
  let state: AndonEngineState = emptyEngineState();
  let io: Parameters<Andon['start']>[0] | null = null;
  let timer: NodeJS.Timeout | null = null;
  let isStopped = false;
  // The sequence of its own events: from the clock, so instances of a cluster and restarts do not repeat one.
  let seq = o.now();
  let writing: Promise<void> = Promise.resolve();

  const names = () => new Map(o.users().map((u) => [u.id, u.name]));
  const view = (c: AndonCall, nameMap = names()): CallView =>
    viewOf(c, { index: index, nameOf: (id) => nameMap.get(id) ?? (id === ANDON_AUTHOR ? 'Floorboard' : id), receivedAt: receivedAt.get(c.id), rule: ruleOfCall(c, rules) });

  /** Writes andon events as the service: stored in one transaction, then passed down the commit path (live, buckets, andon). */
  function write(list: FloorEvent[]): Promise<void> {
    const at = o.now();
    const records: StoredEventInput[] = list.map((event) => {
      const path = index.lines.get(event.lineId)?.path;
      return { event, receivedAt: at, clockOffsetMs: 0, correctedTs: event.ts, topic: path ? topics.lineAndon(path) : 'andon' };
    });
    const run = writing.then(async () => {
      const { inserted } = await o.storage.insertEvents(records);
      const fresh = new Set(inserted);
      const stored = records.filter((r) => fresh.has(r.event.id));
      // A follower of a cluster (not started) takes its own answer in at once, so the API answers
      // with the call as it now stands; the leader announces it when its feed brings the commit.
      if (io) io.committed(stored);
      else absorb(stored, true);
      // A raise storage already holds that memory does not: a call older than the day read back at
      // start (a stop open for days). Its id is its cause's, so it is the same call: read its life back.
      const known = records.filter((r) => r.event.type === 'andon.raise' && !fresh.has(r.event.id) && !calls.has(r.event.id));
      if (known.length) await recall(known.map((r) => r.event.id));
    });
    writing = run.catch((error: unknown) => o.log('andon write failed', { error: (error as Error).message }));
    return run;
  }

  /** Reads calls back from storage with all their events (quietly: nothing is announced again). */
  async function recall(callIds: readonly string[]): Promise<void> {
    const ids = new Set(callIds);
    const { events: raises } = await o.storage.listEvents({ ids: [...ids], types: ['andon.raise'] });
    for (const raise of raises) {
      const page = await o.storage.listEvents({ lineIds: [raise.event.lineId], types: [...ANDON_TYPES], from: raise.correctedTs, orderBy: 'time' });
      absorb(page.events.filter((r) => r.event.id === raise.event.id || ('callId' in r.event && r.event.callId === raise.event.id) || (r.event.type === 'void' && r.event.voids === raise.event.id)), true);
      publishLine(raise.event.lineId, names());
    }
  }

  const envelope = (lineId: string, stationId: string, author: string, ts: number) => ({ v: EVENT_SCHEMA_VERSION as 1, deviceId: ANDON_DEVICE_ID, seq: seq++, ts, author, lineId, stationId });

  function eventOf(a: AndonAction): FloorEvent {
    const base = envelope(a.lineId, a.stationId, ANDON_AUTHOR, a.at);
    const raisedAt = calls.get(a.callId)?.raisedAt ?? state.open.get(a.callId)?.raisedAt ?? a.at;
    switch (a.type) {
      case 'raise':
        return { ...base, id: a.callId, type: 'andon.raise', kind: a.kind, trigger: a.trigger, ruleId: a.ruleId, cause: a.cause, ...(a.stopId ? { causeStopId: a.stopId } : {}), ...(a.reasonId ? { reasonId: a.reasonId } : {}) };
      case 'escalate':
        return { ...base, id: contentUlid(raisedAt, `escalate|${a.callId}|${a.level}`), type: 'andon.escalate', callId: a.callId, level: a.level };
      case 'resolve':
        return { ...base, id: contentUlid(raisedAt, `resolve|${a.callId}`), type: 'andon.resolve', callId: a.callId, how: 'auto' };
    }
  }

  function tick(): void {
    timer = null;
    if (isStopped) return;
    const now = o.now();
    const lineFacts = [];
    for (const [lineId, folded] of facts) {
      const indexed = index.lines.get(lineId);
      if (indexed) lineFacts.push(factsOf(indexed, folded));
    }
    const out = evaluate(state, lineFacts, now, rules);
    state = out.state;
    if (out.actions.length) void write(out.actions.map(eventOf)).catch(() => {});
    schedule(Math.min(now + TICK_MS, out.nextDueAt));
  }

  function schedule(at: number): void {
    if (isStopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, at - o.now()));
    timer.unref();
  }

  /** Which changes between two readings of a call: raised, escalated, acknowledged, resolved. */
  function changesOf(before: AndonCall | undefined, after: AndonCall): string[] {
    const out: string[] = [];
    if (!before) out.push('raised');
    if (before && after.level > before.level) out.push('escalated');
    if (after.ack && !before?.ack) out.push('acknowledged');
    if (after.resolved && !before?.resolved) out.push('resolved');
    return out;
  }

  function publishLine(lineId: string, nameMap: Map<string, string>): void {
    const path = index.lines.get(lineId)?.path;
    if (!path || !io) return;
    const open = [...calls.values()].filter((c) => c.lineId === lineId && isOpen(c)).map((c) => view(c, nameMap));
    void io.publish(topics.lineAndon(path), JSON.stringify(withLeaderVersion({ v: 1, lineId, at: o.now(), calls: open }, io.version)), { retain: true }).catch(() => {});
  }

  /** Takes committed andon events into the call log; `isQuiet` (the load at start): changes are not announced again. */
  function absorb(records: readonly StoredEventInput[], isQuiet = false): void {
    let isNew = false;
    const take = (r: StoredEventInput) => {
      events.set(r.event.id, r.correctedTs === r.event.ts ? r.event : { ...r.event, ts: r.correctedTs });
      receivedAt.set(r.event.id, r.receivedAt);
      isNew = true;
    };
    for (const r of records) if (ANDON_TYPE_SET.has(r.event.type) && !events.has(r.event.id)) take(r);
    // Voids after the raises (one batch may hold both): only a void of a call's raise is kept, the take-back.
    for (const r of records) if (r.event.type === 'void' && !events.has(r.event.id) && events.get(r.event.voids)?.type === 'andon.raise') take(r);
    if (!isNew) return;
    const before = calls;
    calls = new Map(andonCallLog([...events.values()]).map((c) => [c.id, c]));
    state = withCalls(state, calls.values());
    const nameMap = names();
    const touched = new Set<string>();
    for (const c of isQuiet ? [] : calls.values()) {
      const changes = changesOf(before.get(c.id), c);
      if (!changes.length) continue;
      touched.add(c.lineId);
      announce(c, changes, nameMap);
    }
    if (!isQuiet) for (const lineId of touched) publishLine(lineId, nameMap);
    prune();
  }

  /** Sends a call's changes on every channel; `tried` (channel|target|change) are left out: they were sent before. */
  function announce(c: AndonCall, changes: readonly string[], nameMap: Map<string, string>, tried: ReadonlySet<string> = new Set()): void {
    const v = view(c, nameMap);
    const path = index.lines.get(c.lineId)?.path;
    for (const change of changes) {
      const body = JSON.stringify({ v: 1, siteId: index.site, change, call: v });
      if (path && io) {
        const topic = topics.lineAndonCalls(path);
        if (!tried.has(`mqtt|${topic}|${change}`)) queue.send({ callId: c.id, lineId: c.lineId, channel: 'mqtt', target: topic, change }, publishTry(topic, body));
      }
      const hooks = index.plant.andon.webhooks.filter((h) => !tried.has(`webhook|${h.id}|${change}`));
      if (hooks.length) delivery.send(hooks, { callId: c.id, lineId: c.lineId, change, level: c.level, body });
      if (![...tried].some((t) => t.startsWith('email|') && t.endsWith(`|${change}`))) email?.send(v, change);
    }
  }

  /**
   * Changes committed shortly before this start that nobody announced: the service (or a cluster's
   * leader) died between their commit and their first try, or another instance committed them
   * while no leader ran. A change with a logged try on a channel and target was sent there before.
   */
  async function announceMissed(since: number): Promise<void> {
    const nameMap = names();
    // One pass over the events: the calls with an event received since then.
    const recent = new Set<string>();
    for (const e of events.values()) if ((receivedAt.get(e.id) ?? 0) >= since) recent.add('callId' in e ? e.callId : e.id);
    for (const c of calls.values()) {
      if (!recent.has(c.id)) continue;
      // A call its caller took back is escalated to nobody any more (its raise and end are still told).
      const all = [...changesOf(undefined, c), ...(c.level > 1 && !isTakenBack(c) ? ['escalated'] : [])];
      const tried = new Set((await deliveryLog.logOf(c.id)).map((r) => `${r.channel}|${r.target}|${r.change}`));
      announce(c, all, nameMap, tried);
    }
  }

  /** The calls of the last day, from storage: a restart neither forgets nor raises a call again. */
  async function load(): Promise<void> {
    const page = await o.storage.listEvents({ types: [...ANDON_TYPES], from: o.now() - KEEP_MS, orderBy: 'time' });
    absorb(page.events, true);
  }

  const publishTry = (topic: string, body: string): TryOnce => async () => {
    if (!io) return { status: null, error: 'the service is not connected to its broker' };
    await io.publish(topic, body);
    return { status: null, error: null };
  };

  /**
   * Goes on with the deliveries the last stop cut (of calls read back): each tried again at once on
   * its channel and counted on in its log, carrying the call as it stands now.
   */
  async function resumeCut(): Promise<void> {
    const nameMap = names();
    for (const r of await deliveryLog.interrupted(o.now() - KEEP_MS)) {
      const c = calls.get(r.callId);
      if (!c || (r.change === 'escalated' && isTakenBack(c))) continue;
      const v = view(c, nameMap);
      const body = JSON.stringify({ v: 1, siteId: index.site, change: r.change, call: v });
      if (r.channel === 'webhook') delivery.resume(r, index.plant.andon.webhooks, body);
      else if (r.channel === 'email') email?.resume(r, v);
      else queue.resume(r, publishTry(r.target, body));
    }
  }

  /** Drops calls resolved more than KEEP_MS ago (and their events) from memory. */
  function prune(): void {
    const cut = o.now() - KEEP_MS;
    const gone = new Set([...calls.values()].filter((c) => c.resolved && c.resolved.at < cut).map((c) => c.id));
    if (!gone.size) return;
    for (const [id, e] of events) if (gone.has(id) || ('callId' in e && gone.has(e.callId)) || (e.type === 'void' && gone.has(e.voids))) events.delete(id);
    for (const id of gone) {
      calls.delete(id);
      receivedAt.delete(id);
    }
  }

  async function answer(kind: 'ack' | 'resolve', callId: string, author: string, detail: { from?: 'tablet' | 'board' | 'api'; note?: string }): Promise<AnswerResult> {
    const call = calls.get(callId);
    if (!call) return { ok: false, code: 'not-found', message: `no open or recent call "${callId}"` };
    if (call.resolved) return { ok: false, code: 'conflict', message: `call "${callId}" was resolved at ${new Date(call.resolved.at).toISOString()}` };
    if (kind === 'ack' && call.ack) return { ok: false, code: 'conflict', message: `call "${callId}" was already acknowledged by ${names().get(call.ack.by) ?? call.ack.by}` };
    const base = envelope(call.lineId, call.stationId, author, o.now());
    // One id per call and kind: a repeated or concurrent answer is stored once (the first wins).
    const event: FloorEvent =
      kind === 'ack'
        ? { ...base, id: contentUlid(call.raisedAt, `ack|${callId}`), type: 'andon.ack', callId, from: detail.from ?? 'api' }
        : { ...base, id: contentUlid(call.raisedAt, `resolve|${callId}`), type: 'andon.resolve', callId, how: 'hand', note: detail.note ?? '' };
    await write([event]);
    const now = calls.get(callId) ?? call;
    return { ok: true, call: view(now) };
  }

  // The HTTP door (http/andon-routes.ts) is built by the service wiring from these: a feature never imports its door.
  const routeDeps: AndonRouteDeps = {
    index: () => index,
    users: o.users,
    tokens: o.tokens,
    now: o.now,
    storage: o.storage,
    rules,
    current: () => [...calls.values()],
    view,
    answer,
    deliveries: deliveryLog,
  };

  return {
    routeDeps,
    // Not started: a follower of a cluster keeps the call log for its API; the leader announces.
    // A caller's take-back is the void itself (core/andon/calls.ts): read like any andon event,
    // nothing is written for it, so a stop between the void's commit and anything else loses nothing.
    onCommitted: (records) => absorb(records, io === null),
    load,
    onRead(indexed, folded) {
      facts.set(indexed.line.id, folded);
    },
    setIndex(next) {
      // Calls already open keep going; the next evaluation runs on the new rules and recipients.
      index = next;
      Object.assign(rules, rulesOf(next.plant));
      email = emailOf(next);
      for (const lineId of index.lines.keys()) publishLine(lineId, names());
    },
    async start(wiring) {
      io = wiring;
      if (wiring.mayDeliver) queue.gate(wiring.mayDeliver);
      seq = o.now();
      await load();
      for (const lineId of index.lines.keys()) publishLine(lineId, names());
      await resumeCut();
      await announceMissed(o.now() - MISSED_MS);
      schedule(o.now() + TICK_MS);
    },
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await writing;
      await queue.stop();
      await deliveryLog.flush();
      email?.close();
    },
  };
}
