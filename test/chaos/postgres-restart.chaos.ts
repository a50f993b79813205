import { describe, expect, it } from 'vitest';
import { startTestPostgres } from '../helpers/postgres.ts';
import { connectDevices, drained, keepTapping, login, LOGINS, report, SimDevice, sleep, startServiceProcess, tally, useChaosRig } from './support/chaos-kit.ts';

const TABLETS = 10;
/** How long PostgreSQL stays down. */
const DOWN_MS = 5000;

describe('PostgreSQL restarted under ingest', () => {
  const rig = useChaosRig('fb-chaos-pg-');

  it('ingest pauses while the database is down and resumes after; nothing lost or doubled', async () => {
    const { dataDir, devices } = rig;
    const pg = await startTestPostgres();
    rig.after(() => pg.stop());
    const databaseUrl = await pg.createDatabase();
    const svc = (rig.svc = await startServiceProcess({ dataDir, env: { DATABASE_URL: databaseUrl } }));
    for (let i = 0; i < TABLETS; i++) devices.push(new SimDevice(`pg-tab-${i}`, 'tablet'));
    await connectDevices(svc.base, `mqtt://127.0.0.1:${svc.mqttPort}`, devices, (d) => LOGINS.opA(d.deviceId));
    const admin = await login(svc.base, LOGINS.admin('pg-admin'));
    const from = Date.now() - 60_000;

    const stopTapping = keepTapping(devices);
    await sleep(3000);
    const restarting = pg.restart(DOWN_MS);
    // While it is down: nothing is acked (the outboxes only grow), and /healthz says so.
    await sleep(DOWN_MS / 2);
    const waitingA = devices.reduce((n, d) => n + d.waiting, 0);
    const healthDown = await fetch(`${svc.base}/healthz`).then(
      (r) => r.status,
      (error: unknown) => {
        throw new Error(`the service is gone while the database is down (${String(error)}):\n${svc.log()}`);
      },
    );
    await sleep(1000);
    const waitingB = devices.reduce((n, d) => n + d.waiting, 0);
    await restarting;
    const t1 = performance.now();
    await sleep(3000);
    await stopTapping();
    await drained(devices, 120_000);
    const resumedMs = Math.round(performance.now() - t1);
    const t = await tally({ base: svc.base, databaseUrl, dataDir, devices, from, adminToken: admin.token });
    report('postgres-restart', { downMs: DOWN_MS, waitingWhileDown: `${waitingA}->${waitingB}`, healthWhileDown: healthDown, drainedAfterRestartMs: resumedMs, ...t });
    expect(waitingB).toBeGreaterThan(waitingA);
    expect(healthDown).toBe(503);
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
  });
});
