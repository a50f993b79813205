import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/server/storage/storage.ts';
import { FIXTURE_PLANT, startHarness, type Harness, fixtureLogin } from '../support/service-harness.ts';

/** The fixture plant with gateway gw-a on both stations of line-a, and line-a's machine station as given. */
async function plantWith(machineStationId: string | undefined): Promise<string> {
  const plant = JSON.parse(readFileSync(FIXTURE_PLANT, 'utf8'));
  const lineA = plant.areas[0].lines.find((l: { id: string }) => l.id === 'line-a');
  if (machineStationId) lineA.machineStationId = machineStationId;
  plant.users.find((u: { id: string }) => u.id === 'gw-a').stations = ['a1', 'a2'];
  const file = join(tmpdir(), `floorboard-sim-${machineStationId ?? 'default'}-${process.pid}.json`);
  await writeFile(file, JSON.stringify(plant));
  return file;
}

async function waitForEvents(h: Harness, enough: (events: StoredEvent[]) => boolean, timeoutMs = 8000): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let stored: StoredEvent[] = [];
  while (Date.now() < deadline) {
    stored = (await h.service.storage.listEvents()).events;
    if (enough(stored)) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return stored;
}

describe('--demo simulator (live, no backfill)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('publishes machine signals and heartbeats through the broker as a gateway, and they are ingested', async () => {
    h = await startHarness({ isDemo: true, demoBackfillDays: 0 }, { simTickMs: 100, simHeartbeatMs: [300, 400] });
    const stored = await waitForEvents(h, (s) => s.filter((e) => e.event.type === 'machine.heartbeat').length >= 3);
    expect(stored.every((e) => e.event.author === 'gw-a' && e.event.stationId === 'a1')).toBe(true);
    const types = stored.map((e) => e.event.type);
    expect(types).toContain('machine.counter');
    expect(types).toContain('machine.state');
    expect(types.filter((t) => t === 'machine.heartbeat').length).toBeGreaterThanOrEqual(3);
    // One gap-free sequence per device.
    expect(stored.map((e) => e.event.seq)).toEqual(stored.map((_, i) => i));
    expect(await h.service.storage.listDeadLetters(10)).toEqual([]);
  });

  it("claims the simulated gateway's device id: nobody else signs in with it", async () => {
    h = await startHarness({ isDemo: true, demoBackfillDays: 0 }, { simTickMs: 100 });
    await waitForEvents(h, (s) => s.length >= 1);
    const res = await h.http('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fixtureLogin('op-a', 'sim-gw-a')) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: { code: 'forbidden', message: 'device "sim-gw-a" belongs to gateway "gw-a": sign in on your own device' } });
  });

  it("sends a line's machine signals to its first station when the plant names none", async () => {
    h = await startHarness({ isDemo: true, demoBackfillDays: 0, plantFile: await plantWith(undefined) }, { simTickMs: 100 });
    const stored = await waitForEvents(h, (s) => s.length >= 3);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(new Set(stored.map((e) => e.event.stationId))).toEqual(new Set(['a1']));
  });

  it("sends a line's machine signals to the machine station the plant file names", async () => {
    h = await startHarness({ isDemo: true, demoBackfillDays: 0, plantFile: await plantWith('a2') }, { simTickMs: 100 });
    const stored = await waitForEvents(h, (s) => s.length >= 3);
    expect(stored.length).toBeGreaterThanOrEqual(3);
    expect(new Set(stored.map((e) => e.event.stationId))).toEqual(new Set(['a2']));
    expect(stored[0]!.topic).toContain('/station/a2/signals');
  });
});
