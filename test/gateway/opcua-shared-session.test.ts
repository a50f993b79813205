import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { opcuaConnectorSchema, type OpcuaConnector } from '../../src/core/gateway/connector.schema.ts';
import type { NodeChange } from '../../src/core/gateway/station-signals.ts';
import { watchOpcua, type OpcuaWatch } from '../../src/gateway/opcua-station.ts';
import { freePort, startMachine, type SimulatedMachine } from './support/opcua-machine.ts';

/** Three stations read at one OPC UA server (an aggregator, or machines behind one PLC) and one with a node the server lacks. */
describe('OPC UA stations at one endpoint share one session', () => {
  let dir: string;
  let machine: SimulatedMachine;
  const connector = (parts: string) =>
    opcuaConnectorSchema.parse({ protocol: 'opcua', endpoint: machine.endpoint, nodes: { state: 'ns=1;s=Press.State', counter: parts }, states: { running: [1], stopped: [0] } }) satisfies OpcuaConnector;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-opcua-shared-'));
    machine = await startMachine(dir, await freePort(), { state: 1, counter: 100 });
  });
  afterAll(async () => {
    await machine?.stop().catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every station through one session, fails only the station with a missing node, and lets the last one close it', async () => {
    const seen = new Map<string, NodeChange[]>();
    const errors = new Map<string, string[]>();
    const watch = (name: string, parts = 'ns=1;s=Press.Parts'): OpcuaWatch =>
      watchOpcua({
        connector: connector(parts),
        password: undefined,
        pkiDir: dir,
        onChange: (c) => seen.set(name, [...(seen.get(name) ?? []), c]),
        onConnected: () => {},
        onError: (m) => errors.set(name, [...(errors.get(name) ?? []), m]),
        log: () => {},
        backoff: { initialMs: 200, maxMs: 1000 },
      });
    const [a, b, c] = [watch('a'), watch('b'), watch('c')];
    const broken = watch('broken', 'ns=1;s=Press.NoSuchNode');
    await vi.waitFor(() => expect([a.connected, b.connected, c.connected]).toEqual([true, true, true]), { timeout: 15_000 });
    expect(machine.sessions()).toBe(1);
    expect(broken.connected).toBe(false);
    await vi.waitFor(() => expect(errors.get('broken')?.length).toBeGreaterThan(0), { timeout: 5000 });

    machine.setCounter(101);
    const counted = (name: string) => (seen.get(name) ?? []).some((ch) => ch.role === 'counter' && ch.value === 101);
    await vi.waitFor(() => expect(['a', 'b', 'c'].filter(counted)).toEqual(['a', 'b', 'c']), { timeout: 5000 });
    expect(errors.get('a')).toBeUndefined();

    // One station leaves: the others still read, each change once.
    await a.close();
    machine.setCounter(102);
    await vi.waitFor(() => expect(['b', 'c'].map((n) => (seen.get(n) ?? []).filter((ch) => ch.value === 102).length)).toEqual([1, 1]), { timeout: 5000 });
    expect((seen.get('a') ?? []).some((ch) => ch.value === 102)).toBe(false);
    expect(machine.sessions()).toBe(1);

    await Promise.all([b.close(), c.close(), broken.close()]);
    await vi.waitFor(() => expect(machine.sessions()).toBe(0), { timeout: 5000 });
  });
});
