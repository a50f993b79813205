import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stationConnectorSchema } from '../../../src/core/gateway/connector.schema.ts';
import { mapProduct, mapState } from '../../../src/core/gateway/state-map.ts';
import { describeIssues } from '../../../src/core/events.schema.ts';
import { plantSchema } from '../../../src/core/plant.schema.ts';

const base = {
  protocol: 'opcua',
  endpoint: 'opc.tcp://plc-7:4840/UA/Press',
  nodes: { state: 'ns=1;s=Press.State', counter: 'ns=1;s=Press.Parts', faultCode: 'ns=1;s=Press.Alarm', product: 'ns=1;s=Press.Program' },
  states: { running: [1], stopped: [0], fault: [3, 'E'] },
  faultReasons: { '17': 'breakdown' },
  products: { '42': 'widget' },
  counterBits: 16,
};
const problems = (value: unknown) => {
  const r = stationConnectorSchema.safeParse(value);
  return r.success ? [] : describeIssues(r.error);
};

describe('OPC UA connector mapping', () => {
  it('accepts a full mapping and fills the defaults', () => {
    const c = stationConnectorSchema.parse(base);
    expect(c).toMatchObject({ securityMode: 'None', securityPolicy: 'None', heartbeatSec: 10 });
  });
  it('names every bad field precisely', () => {
    const bad = problems({ ...base, endpoint: 'http://plc', nodes: { ...base.nodes, counter: 'Press.Parts' }, counterBits: 64, user: { name: 'u', passwordEnv: 'secret123!' } });
    expect(bad).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^endpoint: must be an OPC UA endpoint/),
        expect.stringMatching(/^nodes\.counter: must be an OPC UA node id/),
        expect.stringMatching(/^counterBits: must be at most 48 bits/),
        expect.stringMatching(/^user\.passwordEnv: must be the name of an environment variable/),
      ]),
    );
  });
  it('refuses a value meaning two states, mappings without their node, and a mode without a policy', () => {
    const { faultCode: _f, product: _p, ...nodes } = base.nodes;
    const bad = problems({ ...base, nodes, states: { running: [1], stopped: ['1'] }, securityMode: 'Sign' });
    expect(bad).toEqual(
      expect.arrayContaining([
        'states.stopped.0: value "1" already means running',
        'faultReasons: needs nodes.faultCode to read the code from',
        'products: needs nodes.product to read the program from',
        expect.stringMatching(/^securityPolicy: securityMode "None" goes with/),
      ]),
    );
  });
  it('maps values to states, fault codes to reasons and programs to products; an unknown value is a stop', () => {
    const c = stationConnectorSchema.parse(base);
    expect(mapState(c, 1)).toEqual({ state: 'running' });
    expect(mapState(c, '0')).toEqual({ state: 'stopped' });
    expect(mapState(c, 3, 17)).toEqual({ state: 'fault', code: '17', reasonId: 'breakdown' });
    expect(mapState(c, 'E', 99)).toEqual({ state: 'fault', code: '99' });
    expect(mapState(c, 8)).toEqual({ state: 'stopped', code: '8' });
    expect(mapProduct(c, 42)).toBe('widget');
    expect(mapProduct(c, 43)).toBeUndefined();
  });
  it('checks reasons and products against the plant file', () => {
    const plant = JSON.parse(readFileSync(new URL('../../fixtures/test.plant.json', import.meta.url), 'utf8')) as { areas: { lines: { stations: Record<string, unknown>[] }[] }[] };
    plant.areas[0]!.lines[0]!.stations[0]!.connector = { ...base, faultReasons: { '17': 'no-such-reason' }, products: { '42': 'no-such-product' } };
    const r = plantSchema.safeParse(plant);
    expect(r.success).toBe(false);
    expect(describeIssues(r.error!)).toEqual(
      expect.arrayContaining(['areas.0.lines.0.stations.0.connector.faultReasons.17: unknown reason "no-such-reason"', 'areas.0.lines.0.stations.0.connector.products.42: unknown product "no-such-product"']),
    );
  });
});
