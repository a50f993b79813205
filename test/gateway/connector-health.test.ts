import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorsSchema, type ConnectorRowWire } from '../../src/core/contracts/connectors.ts';
import type { Gateway } from '../../src/gateway/gateway.ts';
import { fixtureLogin, loginAll, publishIsRefused, SITE, startHarness, type Harness } from '../server/support/service-harness.ts';
import { plantWithConnector, startTestGateway } from './support/gateway-plant.ts';
import { freePort, startMachine, type SimulatedMachine } from './support/opcua-machine.ts';

/**
 * Connector health (issue 15) with all parts real: a press as a node-opcua server, the service,
 * and `floorboard gateway` reporting its connection on its own retained health topic.
 */
describe('connector health: the gateway reports, the service shows it in /metrics and to admins', () => {
  let dir: string;
  let port: number;
  let machine: SimulatedMachine;
  let h: Harness;
  let gateway: Gateway;
  let auth: Record<'admin' | 'lead', { authorization: string }>;

  const connectedSeries = /^floorboard_connector_connected\{station="a1",line="line-a",gateway="gw-health",protocol="opcua"\} (\d)$/m;
  const metricConnected = async () => Number(connectedSeries.exec(await (await h.http('/metrics')).text())?.[1] ?? NaN);
  const adminRow = async (): Promise<ConnectorRowWire | undefined> => {
    const res = await h.http('/api/connectors', { headers: auth.admin });
    expect(res.status).toBe(200);
    return connectorsSchema.parse(await res.json()).connectors.find((c) => c.stationId === 'a1');
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fb-health-'));
    port = await freePort();
    machine = await startMachine(dir, port, { state: 1, counter: 100 });
    const connector = { protocol: 'opcua', endpoint: machine.endpoint, nodes: { state: 'ns=1;s=Press.State', counter: 'ns=1;s=Press.Parts' }, states: { running: [1] }, heartbeatSec: 0.5 };
    const plantFile = await plantWithConnector(dir, connector, 2);
    h = await startHarness({ plantFile });
    ({ auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-health'), lead: fixtureLogin('lead-a', 'lead-health') }));
    gateway = await startTestGateway(h, plantFile, join(dir, 'gateway'), 'gw-health');
  });
  afterAll(async () => {
    await gateway?.close();
    await machine?.stop().catch(() => {});
    await h?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('says connected, then disconnected with the error when the OPC UA server stops, and connected again when it is back', async () => {
    await expect.poll(metricConnected, { timeout: 15_000 }).toBe(1);
    const up = await adminRow();
    expect(up).toMatchObject({ stationId: 'a1', lineId: 'line-a', gatewayId: 'gw-health', protocol: 'opcua', connected: true, isStale: false, errorCount: 0, lastError: null });
    // The values the subscription delivers come after the connection: in the next report.
    await expect.poll(async () => (await adminRow())?.lastValueAt ?? 0, { timeout: 5000 }).toBeGreaterThan(Date.now() - 15_000);

    await machine.stop();
    await expect.poll(metricConnected, { timeout: 10_000 }).toBe(0);
    const down = await adminRow();
    expect(down).toMatchObject({ connected: false, isStale: false });
    expect(down?.errorCount).toBeGreaterThan(0);
    expect(down?.lastError?.message).toMatch(/\S/);

    machine = await startMachine(dir, port, { state: 1, counter: 100 });
    await expect.poll(metricConnected, { timeout: 15_000 }).toBe(1);
    expect(await adminRow()).toMatchObject({ connected: true, isStale: false });
  });

  it('answers the connector list to admins only', async () => {
    expect((await h.http('/api/connectors', { headers: auth.lead })).status).toBe(403);
    expect((await h.http('/api/connectors')).status).toBe(401);
  });

  it('lets nobody but the gateway itself publish its health', async () => {
    const admin = await h.connect('admin', (await h.login(fixtureLogin('admin', 'adm-mqtt'))).token, 'adm-mqtt');
    expect(await publishIsRefused(admin, `floorboard/v1/${SITE}/_health/gw-health`, '{}')).toBe(true);
    const other = await h.connect('gw-a', (await h.login(fixtureLogin('gw-a', 'gw-other'))).token, 'gw-other');
    expect(await publishIsRefused(other, `floorboard/v1/${SITE}/_health/gw-health`, '{}')).toBe(true);
  });

  it('counts a gateway that stopped reporting as disconnected', async () => {
    await gateway.close();
    await expect.poll(async () => (await adminRow())?.isStale, { timeout: 10_000 }).toBe(true);
    expect(await metricConnected()).toBe(0);
  });
});
