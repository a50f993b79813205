import { describe, expect, it } from 'vitest';
import { principalOf } from '../../../src/core/access.ts';
import { plantSchema, type User } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { parseTopic } from '../../../src/core/topics.ts';
import { checkPublisher } from '../../../src/server/broker/publisher-checks.ts';
import plantJson from '../../fixtures/test.plant.json' with { type: 'json' };

const plant = plantSchema.parse(plantJson);
const opA = plant.users.find((u) => u.id === 'op-a') as Extract<User, { role: 'operator' }>;
// A colleague of op-a at station a1 (the fixture has one operator per station).
const opC = { ...opA, id: 'op-c', name: 'Carla C', badge: '1003', stations: ['a1'] };
const users = new Map<string, User>([...plant.users.map((u) => [u.id, u] as const), ['op-c', opC]]);
const index = indexPlant(plant);
const eventsOf = (station: string) => parseTopic(`floorboard/v1/${plant.site.id}/assembly/line-a/station/${station}/events`) as never;
const batch = (author: string, stationId: string) =>
  Buffer.from(JSON.stringify({ events: [{ deviceId: 'tab-1', author, stationId, type: 'count' }] }));

describe('who may be named as author on a station tablet (embedded broker publish check)', () => {
  it('carries a colleague\'s entries at a station both work at: the shared tablet sends the previous operator\'s outbox', () => {
    expect(checkPublisher(batch('op-a', 'a1'), 'tab-1', principalOf(opC), eventsOf('a1'), (id) => users.get(id), index)).toBeNull();
  });

  it('refuses an operator naming an operator who does not work at that station', () => {
    // op-c does not work at a2, so op-a's connection may not name op-c there.
    expect(checkPublisher(batch('op-c', 'a2'), 'tab-1', principalOf(opA), eventsOf('a2'), (id) => users.get(id), index)?.code).toBe('not-allowed');
  });

  it('refuses an operator naming a lead or an admin, even at their own station', () => {
    for (const author of ['lead-a', 'admin'])
      expect(checkPublisher(batch(author, 'a1'), 'tab-1', principalOf(opA), eventsOf('a1'), (id) => users.get(id), index)?.message).toMatch(/is not the signed-in operator "op-a"/);
  });
});
