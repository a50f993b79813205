import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canPublish, canSubscribe, filterMatches, principalOf, visibleLines, type Principal } from '../../src/core/access.ts';
import { parseTopic, plantSchema } from '../../src/core/index.ts';
import { indexPlant } from '../../src/core/plant-index.ts';

const plant = plantSchema.parse(JSON.parse(readFileSync(new URL('../fixtures/test.plant.json', import.meta.url), 'utf8')));
const index = indexPlant(plant);
const who = (id: string): Principal => principalOf(plant.users.find((u) => u.id === id)!);
const root = 'floorboard/v1/test-site';

describe('access rules (shared by the embedded broker, broker-config and the HTTP API)', () => {
  it.each([
    ['op-a', `${root}/assembly/line-a/station/a1/events`, true],
    ['op-a', `${root}/assembly/line-b/station/b1/events`, false],
    ['op-a', `${root}/packing/line-a/station/a1/events`, false],
    ['op-a', `${root}/assembly/line-a/station/a1/signals`, false],
    ['op-a', `${root}/assembly/line-a/corrections`, false],
    ['op-a', `${root}/assembly/line-a/status`, false],
    ['lead-a', `${root}/assembly/line-a/report`, false],
    ['op-a', `${root}/_ack/tab-1`, false],
    ['lead-a', `${root}/assembly/line-a/station/a2/events`, true],
    ['lead-a', `${root}/assembly/line-a/corrections`, true],
    ['lead-a', `${root}/assembly/line-b/corrections`, false],
    ['gw-a', `${root}/assembly/line-a/station/a1/signals`, true],
    ['gw-a', `${root}/assembly/line-a/station/a2/signals`, false],
    ['gw-a', `${root}/assembly/line-a/station/a1/events`, false],
    ['mgr', `${root}/assembly/line-a/station/a1/events`, false],
    ['admin', `${root}/assembly/line-b/status`, true],
    ['op-a', 'floorboard/v1/other-site/assembly/line-a/station/a1/events', false],
  ])('%s publishing %s: %s', (user, topic, expected) => {
    expect(canPublish(who(user), parseTopic(topic), index)).toBe(expected);
  });

  it.each([
    ['gw-a', 'gw-press', `${root}/_health/gw-press`, true],
    ['gw-a', 'gw-press', `${root}/_health/gw-other`, false],
    ['op-a', 'gw-press', `${root}/_health/gw-press`, false],
    ['admin', 'gw-press', `${root}/_health/gw-press`, false],
    ['admin', 'adm-1', `${root}/_health/adm-1`, false],
  ])('%s on client %s publishing connector health on %s: %s (a gateway, its own device only)', (user, clientId, topic, expected) => {
    expect(canPublish(who(user), parseTopic(topic), index, clientId)).toBe(expected);
  });

  it.each([
    ['op-a', `${root}/assembly/line-a/status`, true],
    // Shift report announcements: readers of the line only; nobody publishes them but the service.
    ['op-a', `${root}/assembly/line-a/report`, true],
    ['op-b', `${root}/assembly/line-a/report`, false],
    ['lead-a', `${root}/assembly/line-a/report`, true],
    ['lead-a', `${root}/assembly/+/report`, false],
    ['mgr', `${root}/+/+/report`, true],
    ['mgr-pack', `${root}/+/+/report`, false],
    ['mgr-pack', `${root}/packing/line-c/report`, true],
    ['gw-a', `${root}/assembly/line-a/report`, false],
    ['op-a', `${root}/assembly/line-a/+`, false],
    ['op-a', `${root}/assembly/+/status`, false],
    ['op-a', `${root}/_ack/tab-1`, true],
    ['op-a', `${root}/_ack/+`, false],
    ['op-a', '#', false],
    ['mgr', `${root}/+/+/status`, true],
    ['mgr', `${root}/+/oee`, true],
    ['mgr', `${root}/#`, false],
    ['mgr-pack', `${root}/packing/+/oee`, true],
    ['mgr-pack', `${root}/+/+/oee`, false],
    ['mgr-pack', `${root}/oee`, false],
    ['gw-a', `${root}/assembly/line-a/status`, false],
    ['gw-a', `${root}/_ack/tab-1`, true],
    ['admin', '$SYS/#', true],
    ['mgr', '$SYS/#', false],
  ])('%s subscribing %s (client tab-1): %s', (user, filter, expected) => {
    expect(canSubscribe(who(user), filter, index, 'tab-1')).toBe(expected);
  });

  it('lets a station\'s operators, its line\'s lead and its area\'s managers read its status, and nobody else', () => {
    const st = (line: string, station: string, area = 'assembly') => `${root}/${area}/${line}/station/${station}/status`;
    const opA1: Principal = { id: 'op-x', name: 'X', role: 'operator', stations: ['a1'] };
    expect(canSubscribe(opA1, st('line-a', 'a1'), index, 'tab-1')).toBe(true);
    expect(canSubscribe(opA1, st('line-a', 'a2'), index, 'tab-1')).toBe(false);
    expect(canSubscribe(opA1, `${root}/assembly/line-a/station/+/status`, index, 'tab-1')).toBe(false);
    expect(canSubscribe(who('op-b'), st('line-a', 'a1'), index, 'tab-1')).toBe(false);
    expect(canSubscribe(who('lead-a'), `${root}/assembly/line-a/station/+/status`, index, 'tab-1')).toBe(true);
    expect(canSubscribe(who('lead-a'), st('line-b', 'b1'), index, 'tab-1')).toBe(false);
    expect(canSubscribe(who('mgr-pack'), st('line-c', 'c1', 'packing'), index, 'tab-1')).toBe(true);
    expect(canSubscribe(who('mgr-pack'), st('line-a', 'a1'), index, 'tab-1')).toBe(false);
    expect(canSubscribe(who('gw-a'), st('line-a', 'a1'), index, 'tab-1')).toBe(false);
    // A forged path (station under another line) is nobody's.
    expect(canSubscribe(opA1, st('line-b', 'a1'), index, 'tab-1')).toBe(false);
  });

  it('scopes the lines each role sees', () => {
    expect([...visibleLines(who('op-a'), index)]).toEqual(['line-a']);
    expect([...visibleLines(who('mgr-pack'), index)]).toEqual(['line-c']);
    expect([...visibleLines(who('mgr'), index)].sort()).toEqual(['line-a', 'line-b', 'line-c']);
  });

  it('matches MQTT filters like a broker', () => {
    expect(filterMatches('a/+/c', 'a/b/c')).toBe(true);
    expect(filterMatches('a/#', 'a')).toBe(true);
    expect(filterMatches('a/#', 'a/b/c')).toBe(true);
    expect(filterMatches('a/+', 'a/b/c')).toBe(false);
    expect(filterMatches('+', 'a/b')).toBe(false);
  });
});

describe('an importer (floorboard import --publish): writes its lines’ station events, reads nothing but its acks', () => {
  const importer: Principal = { id: 'imp', name: 'Import', role: 'importer', lines: ['line-a'] };
  it.each([
    [`${root}/assembly/line-a/station/a1/events`, true],
    [`${root}/assembly/line-a/station/a2/events`, true],
    [`${root}/assembly/line-b/station/b1/events`, false],
    [`${root}/assembly/line-a/station/a1/signals`, false],
    [`${root}/assembly/line-a/corrections`, false],
  ])('publishing %s: %s', (topic, expected) => {
    expect(canPublish(importer, parseTopic(topic), index)).toBe(expected);
  });

  it.each([
    [`${root}/assembly/line-a/status`, false],
    [`${root}/assembly/line-a/oee`, false],
    [`${root}/assembly/line-a/report`, false],
    [`${root}/assembly/line-a/station/a1/status`, false],
    [`${root}/_ack/import-1`, true],
    [`${root}/_ack/tab-1`, false],
  ])('subscribing to %s: %s', (filter, expected) => {
    expect(canSubscribe(importer, filter, index, 'import-1')).toBe(expected);
  });

  it('sees no line', () => {
    expect(visibleLines(importer, index).size).toBe(0);
  });
});
