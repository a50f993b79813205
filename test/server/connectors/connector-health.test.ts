import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { plantSchema } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { createConnectorHealth } from '../../../src/server/connectors/connector-health.ts';

const plant = plantSchema.parse(JSON.parse(readFileSync(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')));
const index = indexPlant(plant);
const topic = (deviceId: string) => `floorboard/v1/${index.site}/_health/${deviceId}`;
const row = (stationId: string, over: Record<string, unknown> = {}) => ({ stationId, protocol: 'modbus', connected: true, lastValueAt: 900, errorCount: 0, lastError: null, ...over });
const report = (deviceId: string, at: number, connectors: unknown[]) => Buffer.from(JSON.stringify({ v: 1, deviceId, at, everySec: 10, connectors }));

function board(now: { t: number }) {
  const logs: string[] = [];
  const owners: Record<string, string> = { 'gw-1': 'gw-a', 'tab-1': 'op-a' };
  const health = createConnectorHealth({ index: () => index, ownerOf: async (id) => owners[id], findUser: (id) => plant.users.find((u) => u.id === id), now: () => now.t, log: (m) => logs.push(m) });
  return { health, logs };
}

describe("the service's connector health board", () => {
  it("keeps a gateway's report for its own user's stations only, and says why it drops the rest", async () => {
    const { health, logs } = board({ t: 1000 });
    await health.receive(topic('gw-1'), report('gw-1', 1000, [row('a1'), row('b1')]));
    expect(health.rows()).toEqual([expect.objectContaining({ stationId: 'a1', lineId: 'line-a', gatewayId: 'gw-1', connected: true, isStale: false, reportedAt: 1000 })]);
    expect(logs).toEqual(['connector health report names stations its gateway does not serve; ignored']);
  });

  it('ignores reports of devices no gateway claimed, bad reports and a device id not the topic\'s', async () => {
    const { health, logs } = board({ t: 1000 });
    await health.receive(topic('tab-1'), report('tab-1', 1000, [row('a1')]));
    await health.receive(topic('gw-1'), Buffer.from('{"v":1,"deviceId":"gw-1","connectors":"x"}'));
    await health.receive(topic('gw-1'), report('gw-2', 1000, [row('a1')]));
    await health.receive(topic('gw-1'), Buffer.from('not json'));
    expect(health.rows()).toEqual([]);
    expect(logs.filter((l) => l === 'connector health report refused')).toHaveLength(3);
  });

  it('counts a gateway silent for three reports as disconnected, and forgets one whose retained report is cleared', async () => {
    const now = { t: 1000 };
    const { health } = board(now);
    await health.receive(topic('gw-1'), report('gw-1', 1000, [row('a1')]));
    now.t = 1000 + 31_000;
    expect(health.rows()[0]).toMatchObject({ connected: false, isStale: true });
    await health.receive(topic('gw-1'), Buffer.alloc(0));
    expect(health.rows()).toEqual([]);
  });
});
