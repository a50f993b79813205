import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ulid } from 'ulid';
import { startService, type Service } from '../../../src/server/start-service.ts';
import { configSchema } from '../../../src/server/config.ts';
import { topics } from '../../../src/core/topics.ts';
import { eventSchema, type FloorEvent } from '../../../src/core/events.schema.ts';
import type { OutboxRecord } from '../../../src/core/outbox/outbox-record.schema.ts';
import type { AckOutcome } from '../../../src/core/outbox/outbox-state.ts';
import { SyncEngine, type OutboxStore, type SyncEngineDeps, type SyncStatus } from '../../../src/app/services/sync-engine.ts';
import { openMqttLink } from '../../../src/app/adapters/mqtt-link.ts';
import { leadEvent, leadRouteOf, leadTopicFor } from '../../../src/app/dashboard/services/correction-events.ts';
import type { EventPayload } from '../../../src/core/events.schema.ts';
import { TcpRelay } from '../../e2e/support/tcp-relay.ts';

const PLANT = new URL('../../fixtures/test.plant.json', import.meta.url).pathname;
const DEVICE = 'tab-sync-test';

/** Storage stand-in with the adapter's contract (IndexedDB itself is covered by the e2e tests). */
class MemoryStore implements OutboxStore {
  readonly records = new Map<string, OutboxRecord>();
  /** Settled events, as the adapter copies them to the journal in the ack's transaction. */
  readonly journal = new Map<string, FloorEvent>();
  seq = 0;
  async append(build: (seq: number) => FloorEvent, clockOffsetMs: number | null) {
    const event = eventSchema.parse(build(this.seq)) as FloorEvent;
    const record: OutboxRecord = { id: event.id, seq: this.seq++, event, state: { kind: 'pending' }, clockOffsetMs };
    this.records.set(record.id, record);
    return record;
  }
  async appendAll(builds: readonly ((seq: number) => FloorEvent)[], clockOffsetMs: number | null) {
    const records: OutboxRecord[] = [];
    for (const build of builds) records.push(await this.append(build, clockOffsetMs));
    return records;
  }
  async loadAll() {
    return { records: [...this.records.values()], invalid: [] };
  }
  async commitOutcome(o: AckOutcome, settled: readonly FloorEvent[]) {
    for (const e of settled) this.journal.set(e.id, e);
    for (const id of o.removed) this.records.delete(id);
    for (const r of o.rejected) {
      const rec = this.records.get(r.id);
      if (rec) this.records.set(r.id, { ...rec, state: { kind: 'rejected', code: r.code, message: r.message } });
    }
  }
  async dismiss(id: string) {
    this.records.delete(id);
  }
}

let service: Service | null = null;
let dataDir = '';
let port = 0;
let relay: TcpRelay | null = null;
async function up() {
  const config = configSchema.parse({ port: 0, mqttTcpPort: 0, host: '127.0.0.1', plantFile: PLANT, dataDir, staticDir: join(dataDir, 'none'), logLevel: 'silent' });
  service = await startService(config, { logger: pino({ level: 'silent' }), hasDefaultMetrics: false });
  port = service.httpPort;
}
async function token(badge = '1001', pin = '1234', password?: { userId: string; password: string }): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(password ? { kind: 'password', ...password, deviceId: DEVICE } : { kind: 'badge', badge, pin, deviceId: DEVICE }),
  });
  return ((await res.json()) as { token: string }).token;
}
/** Network drop, then the service stops (with no client socket left open) and starts again. */
async function restart() {
  relay!.cut();
  await service!.close();
  await up();
}
afterEach(async () => {
  relay?.cut();
  await service?.close();
  await relay?.close();
  relay = null;
  service = null;
  port = 0;
  await rm(dataDir, { recursive: true, force: true });
});

async function setup(extra: Partial<SyncEngineDeps> = {}, user: { id: string; badge: string; pin: string; password?: string } = { id: 'op-a', badge: '1001', pin: '1234' }) {
  dataDir = await mkdtemp(join(tmpdir(), 'floorboard-sync-'));
  await up();
  relay = await TcpRelay.start(() => service?.httpPort);
  const password = await token(user.badge, user.pin, user.password ? { userId: user.id, password: user.password } : undefined);
  const store = new MemoryStore();
  let status: SyncStatus | null = null;
  const engine = new SyncEngine({
    store, url: `ws://127.0.0.1:${relay.port}/mqtt`, clientId: DEVICE, ackTopic: topics.ack('test-site', DEVICE),
    topicFor: (key) => (key === 'line-a/a1' ? topics.events({ site: 'test-site', area: 'assembly', line: 'line-a', station: 'a1' }) : null),
    credentials: async () => ({ username: user.id, password }),
    open: openMqttLink, now: Date.now, random: Math.random, onStatus: (s) => (status = s), ...extra,
  });
  const note = (text: string) => (seq: number): FloorEvent => ({ v: 1, id: ulid(), deviceId: DEVICE, seq, ts: Date.now(), author: 'op-a', lineId: 'line-a', stationId: 'a1', type: 'note', text });
  const until = async (what: () => boolean, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!what()) {
      if (Date.now() > end) throw new Error(`timed out; status ${JSON.stringify({ ...status, rejected: status?.rejected.length })}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stored = async () => (await service!.storage.listEvents({ limit: 100_000 })).events.map((e) => e.event.id);
  return { store, engine, note, until, stored, status: () => status, password };
}

describe('SyncEngine against the real service (MQTT over WebSocket)', () => {
  it('drains entries made offline, each stored exactly once, and removes them only on the ack', async () => {
    const t = await setup();
    await t.engine.load();
    const ids: string[] = [];
    for (let i = 0; i < 500; i++) ids.push((await t.engine.record(t.note(`n${i}`), 0)).id);
    expect(t.store.records.size).toBe(500);
    t.engine.start();
    await t.until(() => t.store.records.size === 0);
    const stored = await t.stored();
    expect([...stored].sort()).toEqual([...ids].sort());
    // Each entry moved to the journal as it left the outbox: the station view still has it after a reload.
    expect([...t.store.journal.keys()].sort()).toEqual([...ids].sort());
    t.engine.stop();
  });

  it('lists unacknowledged entries and reports each settled entry once after its ack', async () => {
    const acked: FloorEvent[] = [];
    const t = await setup({ onAcked: (events) => acked.push(...events) });
    await t.engine.load();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await t.engine.record(t.note(`w${i}`), 0)).id);
    expect(t.engine.waiting().map((e) => e.id)).toEqual(ids);
    t.engine.start();
    await t.until(() => t.store.records.size === 0 && acked.length === 3);
    expect(t.engine.waiting()).toEqual([]);
    expect(acked.map((e) => e.id).sort()).toEqual([...ids].sort());
    t.engine.stop();
  });

  it('while the operator keeps making entries, their acks are committed together instead of one storage transaction each', async () => {
    const t = await setup();
    let commits = 0;
    const commitOutcome = t.store.commitOutcome.bind(t.store);
    t.store.commitOutcome = async (o, settled) => (commits++, commitOutcome(o, settled));
    await t.engine.load();
    t.engine.start();
    await t.until(() => t.status()?.mode === 'online');
    // Ten taps 10 ms apart: each is sent (and acknowledged) on its own while the next is made.
    for (let i = 0; i < 10; i++) {
      await t.engine.record(t.note(`tap${i}`), 0);
      await new Promise((r) => setTimeout(r, 10));
    }
    await t.until(() => t.store.records.size === 0);
    expect((await t.stored()).length).toBe(10);
    expect(commits).toBeLessThanOrEqual(2);
    t.engine.stop();
  });

  it('survives a service restart mid-flight: every entry arrives once', async () => {
    const t = await setup();
    await t.engine.load();
    const ids: string[] = [];
    for (let i = 0; i < 2000; i++) ids.push((await t.engine.record(t.note(`r${i}`), 0)).id);
    t.engine.start();
    await t.until(() => t.store.records.size < 2000);
    await restart();
    t.engine.kick();
    await t.until(() => t.store.records.size === 0, 25_000);
    const stored = await t.stored();
    expect(stored.length).toBe(2000);
    expect(new Set(stored)).toEqual(new Set(ids));
    t.engine.stop();
  });

  it('keeps a rejected entry with its reason and author, tells who shows totals, and syncs the entries behind it', async () => {
    const refused: string[] = [];
    const t = await setup({ onRejected: (ids) => refused.push(...ids) });
    await t.engine.load();
    const first = await t.engine.record(t.note('before'), 0);
    const bad = await t.engine.record((seq) => ({ ...t.note('x')(seq), type: 'stop.classify', stopId: ulid(), reasonId: 'no-such-reason' }) as FloorEvent, 0);
    const after = await t.engine.record(t.note('after'), 0);
    t.engine.start();
    await t.until(() => t.store.records.size === 1 && t.status()?.rejected.length === 1);
    expect(t.status()?.rejected[0]).toMatchObject({ id: bad.id, code: 'unknown-reason', author: 'op-a' });
    expect(refused).toEqual([bad.id]);
    expect(t.store.records.get(bad.id)?.state.kind).toBe('rejected');
    expect((await t.stored()).sort()).toEqual([first.id, after.id].sort());
    expect([...t.store.journal.keys()].sort()).toEqual([first.id, bad.id, after.id].sort());
    await t.engine.dismiss(bad.id);
    expect(t.store.records.size).toBe(0);
    t.engine.stop();
  });

  it('an entry the broker refuses (it closes the connection) is marked refused after a few tries, not retried in a loop', async () => {
    // op-b may work at b1 only: the broker refuses its publish for a1 by closing the connection.
    let opens = 0;
    const refused: string[] = [];
    const t = await setup({ open: (...args) => (opens++, openMqttLink(...args)), onRejected: (ids) => refused.push(...ids) }, { id: 'op-b', badge: '1002', pin: '2345' });
    await t.engine.load();
    const entry = await t.engine.record((seq) => ({ ...t.note('not mine')(seq), author: 'op-b' }), 0);
    t.engine.start();
    await t.until(() => t.status()?.rejected.length === 1, 10_000);
    expect(t.status()?.rejected[0]).toMatchObject({ id: entry.id, code: 'not-allowed', author: 'op-b' });
    expect(t.status()?.waiting).toBe(0);
    expect(refused).toEqual([entry.id]);
    expect(t.store.records.get(entry.id)?.state.kind).toBe('rejected');
    // Settled: no more connections that only end in the same refusal.
    const after = opens;
    await new Promise((r) => setTimeout(r, 3000));
    expect(opens - after).toBeLessThanOrEqual(1);
    expect(opens).toBeLessThanOrEqual(6);
    t.engine.stop();
  });

  it("a lead's entries made offline survive a reload (a new engine on the same store) and are stored once each, on their topics", async () => {
    const lead = { id: 'lead-a', badge: '', pin: '', password: 'lead-pass' };
    const deps = { routeOf: leadRouteOf, topicFor: (key: string) => leadTopicFor(key, 'test-site', (line) => (line === 'line-a' ? 'assembly' : null)) };
    const t = await setup(deps, lead);
    await t.engine.load();
    const line = { site: 'test-site', area: 'assembly', line: 'line-a' };
    const entry = (p: EventPayload) => (seq: number) => leadEvent(p, { line, stationId: 'a1', id: ulid(), seq, now: Date.now(), deviceId: DEVICE, author: 'lead-a' });
    // Offline (never connected): a classification with its why on the station's events topic, a
    // line handover on the line's corrections topic. A handover on the events topic would be refused.
    const made = [
      ...(await t.engine.recordAll([entry({ type: 'stop.classify', stopId: ulid(), reasonId: 'jam' }), entry({ type: 'note', text: 'classify: jam, the guard was open' })], null)),
      await t.engine.record(entry({ type: 'handover', scope: 'line', topics: ['open-problems'], text: 'press 2 leaks oil' }), null),
    ].map((r) => r.id);
    t.engine.stop();
    // The page reloads: a new engine on what the store kept, and the network is back.
    let status: SyncStatus | null = null;
    const again = new SyncEngine({
      store: t.store, url: `ws://127.0.0.1:${relay!.port}/mqtt`, clientId: DEVICE, ackTopic: topics.ack('test-site', DEVICE), ...deps,
      credentials: async () => ({ username: 'lead-a', password: t.password }), open: openMqttLink, now: Date.now, random: Math.random, onStatus: (s) => (status = s),
    });
    expect((await again.load()).map((r) => r.id)).toEqual(made);
    again.start();
    await t.until(() => t.store.records.size === 0);
    expect(status!.rejected).toEqual([]);
    const stored = (await service!.storage.listEvents({ limit: 100 })).events;
    expect(stored.map((s) => s.event.id).sort()).toEqual([...made].sort());
    for (const s of stored) expect(s.event.author).toBe('lead-a');
    again.stop();
  });
});
