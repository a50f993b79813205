import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { ackSchema, type Ack } from '../../../src/core/events.schema.ts';
import { writeColleaguePlant } from '../../e2e/support/colleague-plant.ts';
import { countEvent, nextMessage, publish, SITE, startHarness, subscribe, type Harness, fixtureLogin } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const eventsA1 = `${root}/assembly/line-a/station/a1/events`;
type Event = Record<string, unknown>;
const devices = { olga: 'tab-olga', carla: 'tab-carla', otto: 'tab-otto', lead: 'tab-lead' } as const;
type Who = keyof typeof devices;

// Two operators at one station (Olga and Carla at a1, each on a tablet), on the embedded broker and
// a real SQLite store: an undo is the author's own, from the tablet it was made on; notes are read
// back per station, scoped like the station's live status.
describe('undo at a shared station and the station notes route', () => {
  let h: Harness;
  let dir: string;
  const tokens: Partial<Record<Who, string>> = {};
  const clients: Partial<Record<Who, MqttClient>> = {};

  const send = async (who: Who, events: Event[]): Promise<Ack> => {
    const c = clients[who]!;
    const first = events[0]!.id as string;
    const ack = nextMessage<unknown>(c, `${root}/_ack/${devices[who]}`, 5000, (a) => JSON.stringify(a).includes(first));
    await publish(c, eventsA1, JSON.stringify({ events }));
    return ackSchema.parse(await ack);
  };
  const entry = (who: 'olga' | 'carla', over: Event = {}) => countEvent({ deviceId: devices[who], author: who === 'olga' ? 'op-a' : 'op-c', ...over });
  const undo = (target: Event, who: 'olga' | 'carla', over: Event = {}) =>
    entry(who, { type: 'void', voids: target.id, reason: 'entered-twice', productId: undefined, good: undefined, reject: undefined, ...over });
  const notes = async (who: Who, station = 'a1') => h.http(`/api/stations/${station}/log`, { headers: { authorization: `Bearer ${tokens[who]}` } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floorboard-colleague-'));
    h = await startHarness({ plantFile: await writeColleaguePlant(dir) });
    tokens.olga = (await h.login(fixtureLogin('op-a', devices.olga))).token;
    tokens.carla = (await h.login({ kind: 'badge', badge: '1003', pin: '1234', deviceId: devices.carla })).token;
    tokens.otto = (await h.login(fixtureLogin('op-b', devices.otto))).token;
    tokens.lead = (await h.login(fixtureLogin('lead-a', devices.lead))).token;
    for (const who of ['olga', 'carla'] as const) {
      clients[who] = await h.connect(who === 'olga' ? 'op-a' : 'op-c', tokens[who], devices[who]);
      expect(await subscribe(clients[who], `${root}/_ack/${devices[who]}`)).toBe(1);
    }
  });
  afterAll(async () => {
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses a colleague's undo of an operator's count at the same station, with a clear reason, and keeps the count", async () => {
    const count = entry('olga');
    expect((await send('olga', [count])).accepted).toEqual([count.id]);
    const foreign = undo(count, 'carla');
    const ack = await send('carla', [foreign]);
    expect(ack.rejected).toEqual([{ index: 0, id: foreign.id, code: 'not-allowed', message: `"op-c" may only undo their own entries: event "${count.id}" is by "op-a" (a lead voids it, on the line's corrections topic)` }]);
    const stored = (await h.service.storage.listEvents()).events.map((e) => e.event.id);
    expect(stored).toContain(count.id);
    expect(stored).not.toContain(foreign.id);
  });

  it("refuses an undo written in the operator's name from a colleague's tablet (the broker lets it carry their entries)", async () => {
    const count = entry('olga');
    expect((await send('olga', [count])).accepted).toEqual([count.id]);
    const forged = undo(count, 'carla', { author: 'op-a' });
    const ack = await send('carla', [forged]);
    expect(ack.rejected).toEqual([{ index: 0, id: forged.id, code: 'not-allowed', message: `event "${count.id}" was entered on device "${devices.olga}": it is undone on that tablet, not on "${devices.carla}" (a lead voids it, on the line's corrections topic)` }]);
  });

  it('accepts the operator\'s own undo from their tablet', async () => {
    const count = entry('olga');
    const own = undo(count, 'olga');
    expect(await send('olga', [count, own])).toMatchObject({ accepted: [count.id, own.id], rejected: [] });
  });

  it("lists the shift's notes of the station for both of its operators and the lead, newest first, an undone one marked", async () => {
    const first = entry('olga', { type: 'note', text: 'guard door sticks', productId: undefined, good: undefined, reject: undefined, ts: Date.now() - 1000 });
    const second = entry('carla', { type: 'note', text: 'oil low', productId: undefined, good: undefined, reject: undefined });
    expect((await send('olga', [first])).accepted).toEqual([first.id]);
    expect((await send('carla', [second])).accepted).toEqual([second.id]);
    const taken = undo(second, 'carla');
    expect((await send('carla', [taken])).accepted).toEqual([taken.id]);
    for (const who of ['olga', 'carla', 'lead'] as const) {
      const res = await notes(who);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { stationId: string; notes: { id: string; text: string; author: string; voidedBy: string | null }[] };
      expect(body.stationId).toBe('a1');
      expect(body.notes.map((n) => [n.text, n.author, n.voidedBy])).toEqual([
        ['oil low', 'op-c', taken.id],
        ['guard door sticks', 'op-a', null],
      ]);
    }
  });

  it("refuses the notes of a station that is not the operator's, and names an unknown station", async () => {
    const res = await notes('otto');
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'not allowed to read the log of station "a1"' } });
    const unknown = await notes('olga', 'zz9');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toBe('station "zz9" is unknown');
  });
});
