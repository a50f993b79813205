import { describe, expect, it } from 'vitest';
import { connectDevices, drained, login, loginDevices, LOGINS, percentile, report, SimDevice, sleep, startBoardProbe, startServiceProcess, tally, useChaosRig } from './support/chaos-kit.ts';

const TABLETS = 200;
const QUEUED = 500;
const GATEWAYS = 50;
/** Each live gateway reports its machine's state this often. */
const GATEWAY_EVERY_MS = 2000;

describe('reconnect storm', () => {
  const rig = useChaosRig('fb-chaos-storm-');

  it(`${TABLETS} tablets with ${QUEUED} queued entries each come back at once while ${GATEWAYS} gateways stay live`, async () => {
    const { dataDir, devices } = rig;
    const svc = (rig.svc = await startServiceProcess({ dataDir }));
    const url = `mqtt://127.0.0.1:${svc.mqttPort}`;
    const tablets = Array.from({ length: TABLETS }, (_, i) => new SimDevice(`storm-tab-${i}`, 'tablet'));
    const gateways = Array.from({ length: GATEWAYS }, (_, i) => new SimDevice(`storm-gw-${i}`, 'gateway'));
    const probe = new SimDevice('storm-probe', 'probe');
    devices.push(...tablets, ...gateways, probe);
    const admin = await login(svc.base, LOGINS.admin('storm-admin'));
    const board = await login(svc.base, LOGINS.admin('storm-board'));
    const from = Date.now() - 3600_000;

    // The plant runs: gateways report, the probe taps stops on line-b and times the board.
    await connectDevices(svc.base, url, gateways, (d) => LOGINS.gw(d.deviceId));
    await connectDevices(svc.base, url, [probe], (d) => LOGINS.opB(d.deviceId));
    let isLive = true;
    const live = (async () => {
      while (isLive) {
        for (const g of gateways) {
          g.record();
          await sleep(GATEWAY_EVERY_MS / GATEWAYS);
        }
      }
    })();
    const probing = await startBoardProbe(url, board, probe);
    await sleep(3000);

    // The tablets were offline for the last ten minutes of the shift: each holds 500 entries.
    const logins = await loginDevices(svc.base, tablets, (d) => LOGINS.opA(d.deviceId));
    const now = Date.now();
    for (const t of tablets) for (let k = 0; k < QUEUED; k++) t.record({}, now - 600_000 + k * 1000);
    const t0 = performance.now();
    await Promise.all(tablets.map((t) => t.connect(url, logins.get(t)!.mqtt)));
    const connectedMs = Math.round(performance.now() - t0);
    await drained(tablets, 180_000);
    const drainMs = Math.round(performance.now() - t0);
    const t1 = performance.now();
    await sleep(2000);
    isLive = false;
    await live;
    await probing.stop();
    await drained([...gateways, probe], 60_000);

    const during = probing.samples.filter((s) => s.at >= t0 && s.at <= t1).map((s) => s.ms);
    const t = await tally({ base: svc.base, dataDir, devices, from, adminToken: admin.token });
    report('reconnect-storm', {
      tablets: TABLETS,
      queuedEach: QUEUED,
      gateways: GATEWAYS,
      allConnectedMs: connectedMs,
      drainMs,
      entriesPerSec: Math.round((TABLETS * QUEUED) / (drainMs / 1000)),
      boardSamples: during.length,
      tapToBoardP50Ms: Math.round(percentile(during, 50)),
      tapToBoardP95Ms: Math.round(percentile(during, 95)),
      tapToBoardMaxMs: Math.round(Math.max(...during)),
      ...t,
    });
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
    expect(t.oeeGoodExpected).toBe(TABLETS * QUEUED);
    // The board kept updating during the storm.
    expect(during.length).toBeGreaterThan(0);
  });
});
