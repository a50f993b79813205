import { describe, expect, it } from 'vitest';
import { startMosquitto } from '../helpers/mosquitto.ts';
import { connectDevices, drained, keepTapping, login, LOGINS, mosquittoEnv, PLANT, report, SimDevice, sleep, startServiceProcess, tally, useChaosRig } from './support/chaos-kit.ts';

const TABLETS = 20;
const KILLS = 3;

describe.each(['embedded', 'mosquitto'] as const)('kill -9 of the service mid-ingest, %s broker', (broker) => {
  const rig = useChaosRig('fb-chaos-kill-');

  it(`${KILLS} kills while ${TABLETS} tablets publish: every entry stored once, OEE counts each part once`, async () => {
    const { dataDir, devices } = rig;
    const mosquitto = broker === 'mosquitto' ? await startMosquitto(PLANT, 'dynsec') : null;
    if (mosquitto) rig.after(() => mosquitto.stop());
    const svc = (rig.svc = await startServiceProcess({ dataDir, env: mosquitto ? mosquittoEnv(mosquitto) : {} }));
    const url = mosquitto ? `mqtt://127.0.0.1:${mosquitto.tcpPort}` : `mqtt://127.0.0.1:${svc.mqttPort}`;
    for (let i = 0; i < TABLETS; i++) devices.push(new SimDevice(`kill-${broker}-${i}`, 'tablet'));
    await connectDevices(svc.base, url, devices, (d) => LOGINS.opA(d.deviceId));
    const admin = await login(svc.base, LOGINS.admin(`kill-admin-${broker}`));
    const from = Date.now() - 60_000;

    // Taps keep coming, about 1,000 a second, through every kill and restart.
    const stopTapping = keepTapping(devices);
    const kills: { pid: number | undefined; downMs: number }[] = [];
    for (let k = 0; k < KILLS; k++) {
      await sleep(2000);
      const pid = svc.pid;
      const t0 = performance.now();
      await svc.kill9();
      await sleep(300);
      await svc.restart();
      kills.push({ pid, downMs: Math.round(performance.now() - t0) });
    }
    await sleep(1000);
    await stopTapping();
    const t0 = performance.now();
    await drained(devices, 120_000);
    const drainMs = Math.round(performance.now() - t0);
    const t = await tally({ base: svc.base, dataDir, devices, from, adminToken: admin.token });
    report(`kill-9-service-${broker}`, { kills: kills.length, meanDownMs: Math.round(kills.reduce((s, k) => s + k.downMs, 0) / kills.length), drainAfterMs: drainMs, ...t });
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
    expect(t.sent).toBeGreaterThan(5000);
    // No batch waited out its 15 s ack timeout after the last restart: none reached a broker
    // before the service listened again (startup-gate.ts).
    expect(drainMs).toBeLessThan(10_000);
  });
});
