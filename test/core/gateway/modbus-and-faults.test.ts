import { describe, expect, it } from 'vitest';
import { stationConnectorSchema } from '../../../src/core/gateway/connector.schema.ts';
import { faultClassification, SERVICE_AUTHOR } from '../../../src/core/gateway/fault-reason.ts';
import { newStationMemory, onNodeChanges } from '../../../src/core/gateway/station-signals.ts';
import { describeIssues, plantSchema, type FloorEvent } from '../../../src/core/index.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { readFileSync } from 'node:fs';

const modbus = {
  protocol: 'modbus',
  host: '10.0.7.12',
  nodes: { state: { table: 'coil', address: 0 }, counter: { table: 'holding', address: 10, words: 2 }, rejectCounter: { table: 'input', address: 3 }, faultCode: { table: 'holding', address: 20 } },
  states: { running: [1], stopped: [0] },
  faultReasons: { '42': 'jam' },
  counterBits: 32,
};
const problems = (value: unknown) => {
  const r = stationConnectorSchema.safeParse(value);
  return r.success ? [] : describeIssues(r.error);
};

describe('Modbus TCP connector mapping', () => {
  it('accepts a mapping and fills port, unit, poll interval, timeout and words', () => {
    const c = stationConnectorSchema.parse(modbus);
    expect(c).toMatchObject({ port: 502, unitId: 1, pollMs: 1000, timeoutMs: 2000, heartbeatSec: 10, nodes: { state: { table: 'coil', address: 0, words: 1 } } });
  });
  it('names bad points, hosts and intervals precisely', () => {
    const bad = problems({ ...modbus, host: 'plc 7', pollMs: 10, nodes: { ...modbus.nodes, counter: { table: 'register', address: 70_000 }, state: { table: 'coil', address: 1, words: 3 } } });
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^host: must be a host name or IP address/),
        expect.stringMatching(/^pollMs: must be at least 100 ms/),
        expect.stringMatching(/^nodes\.counter\.table:/),
        expect.stringMatching(/^nodes\.counter\.address:/),
        expect.stringMatching(/^nodes\.state\.words:/),
      ]),
    );
  });
  it('refuses two words of a bit', () => {
    expect(problems({ ...modbus, nodes: { ...modbus.nodes, state: { table: 'coil', address: 0, words: 2 } } })).toEqual(['nodes.state.words: a coil or discrete input is one bit: words must be 1']);
  });
  it('refuses fault reasons without a fault code point, as for OPC UA', () => {
    const { faultCode: _f, ...nodes } = modbus.nodes;
    expect(problems({ ...modbus, nodes })).toEqual([expect.stringMatching(/^faultReasons: needs nodes\.faultCode/)]);
  });
});

describe('one poll applied as one', () => {
  const c = stationConnectorSchema.parse(modbus);
  const poll = (ts: number, state: number, parts: number, rejects: number, fault = 0) =>
    [
      { role: 'faultCode' as const, value: fault, sourceTs: ts },
      { role: 'state' as const, value: state, sourceTs: ts },
      { role: 'counter' as const, value: parts, sourceTs: ts },
      { role: 'rejectCounter' as const, value: rejects, sourceTs: ts },
    ];
  it('sends parts and the rejects among them in one counter signal, and a repeated poll as nothing', () => {
    let m = onNodeChanges(c, newStationMemory(), poll(1, 1, 70_000, 10));
    expect(m.signals.map((s) => s.signal)).toEqual([{ type: 'machine.state', state: 'running' }, { type: 'machine.counter', total: 0, rejectTotal: 0 }]);
    m = onNodeChanges(c, m.memory, poll(2, 1, 70_007, 12));
    expect(m.signals.map((s) => s.signal)).toEqual([{ type: 'machine.counter', total: 7, rejectTotal: 2 }]);
    expect(onNodeChanges(c, m.memory, poll(3, 1, 70_007, 12)).signals).toEqual([]);
  });
  it('reads the fault code of the same poll into the stop', () => {
    const first = onNodeChanges(c, newStationMemory(), poll(1, 1, 5, 0));
    expect(onNodeChanges(c, first.memory, poll(2, 0, 5, 0, 42)).signals.map((s) => s.signal)).toEqual([{ type: 'machine.state', state: 'stopped' }]);
  });
});

describe('fault codes classify machine stops (service side, one truth)', () => {
  const raw = JSON.parse(readFileSync(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')) as { areas: { lines: { stations: Record<string, unknown>[] }[] }[] };
  raw.areas[0]!.lines[0]!.stations[0]!.connector = { ...modbus, faultReasons: { '42': 'jam' } };
  const index = indexPlant(plantSchema.parse(raw));
  const state = (over: Record<string, unknown>) => ({ v: 1, id: '01J00000000000000000000001', deviceId: 'gw-1', seq: 3, ts: 1_000, author: 'gw-a', lineId: 'line-a', stationId: 'a1', type: 'machine.state', state: 'fault', ...over }) as FloorEvent;

  it('classifies a stop whose code is mapped, with an id from the state event and its time', () => {
    const e = faultClassification(state({ code: '42' }), index);
    expect(e).toMatchObject({ type: 'stop.classify', stopId: '01J00000000000000000000001', reasonId: 'jam', ts: 1_000, author: SERVICE_AUTHOR });
    expect(faultClassification(state({ code: '42' }), index)?.id).toBe(e?.id);
  });
  it('leaves running, unmapped codes, no code and other stations alone', () => {
    expect(faultClassification(state({ state: 'running', code: '42' }), index)).toBeNull();
    expect(faultClassification(state({ code: '99' }), index)).toBeNull();
    expect(faultClassification(state({}), index)).toBeNull();
    expect(faultClassification(state({ stationId: 'a2', code: '42' }), index)).toBeNull();
  });
});
