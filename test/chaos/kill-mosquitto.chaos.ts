import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { drained, login, loginDevices, LOGINS, mosquittoEnv, PLANT, report, SimDevice, sleep, startServiceProcess, tally, useChaosRig } from './support/chaos-kit.ts';

const TABLETS = 10;
const QUEUED = 2000;

describe('kill -9 of Mosquitto while tablets drain their outboxes', () => {
  const rig = useChaosRig('fb-chaos-mosq-');

  it(`${TABLETS} tablets with ${QUEUED} queued entries each; the broker dies mid-drain and comes back`, async () => {
    const { dataDir, devices } = rig;
    const mosquitto = await startMosquitto(PLANT, 'dynsec');
    rig.after(() => mosquitto.stop());
    const svc = (rig.svc = await startServiceProcess({ dataDir, env: mosquittoEnv(mosquitto) }));
    const url = `mqtt://127.0.0.1:${mosquitto.tcpPort}`;
    const tablets = Array.from({ length: TABLETS }, (_, i) => new SimDevice(`mosq-tab-${i}`, 'tablet'));
    devices.push(...tablets);
    const admin = await login(svc.base, LOGINS.admin('mosq-admin'));
    const logins = await loginDevices(svc.base, tablets, (d) => LOGINS.opA(d.deviceId));
    const from = Date.now() - 3600_000;
    const now = Date.now();
    for (const t of tablets) for (let k = 0; k < QUEUED; k++) t.record({}, now - 1800_000 + k * 500);
    const total = TABLETS * QUEUED;
    const t0 = performance.now();
    await Promise.all(tablets.map((t) => t.connect(url, logins.get(t)!.mqtt)));
    // Kill it once a fifth has been acknowledged: batches are then in flight everywhere.
    const waiting = () => tablets.reduce((n, t) => n + t.waiting, 0);
    while (waiting() > total * 0.8) await sleep(5);
    const waitingAtKill = waiting();
    await mosquitto.kill9();
    await sleep(2000);
    await mosquitto.restart();
    const t1 = performance.now();
    await drained(tablets, 120_000);
    const drainMs = Math.round(performance.now() - t0);
    const afterRestartMs = Math.round(performance.now() - t1);
    const t = await tally({ base: svc.base, dataDir, devices, from, adminToken: admin.token });
    report('kill-9-mosquitto', { tablets: TABLETS, queuedEach: QUEUED, waitingAtKill, drainMs, drainedAfterRestartMs: afterRestartMs, ...t });
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
    expect(t.sent).toBe(total);
  });
});
