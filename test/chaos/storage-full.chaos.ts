import { execFileSync } from 'node:child_process';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectDevices, drained, login, LOGINS, report, SimDevice, sleep, startServiceProcess, tally, useChaosRig, waitFor } from './support/chaos-kit.ts';

const TABLETS = 10;
/** A filesystem this small fills in a moment (mount needs root, as the CI runs). */
const FS_SIZE = '16m';

/** Writes zeros into `path` until the filesystem is full; returns the bytes written. */
async function fill(path: string): Promise<number> {
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let bytes = 0;
  try {
    for (;;) bytes += (await file.write(chunk)).bytesWritten;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await file.close().catch(() => undefined);
  }
  return bytes;
}

const health = async (base: string) => {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: (await res.json()) as { status: string; isStorageWritable: boolean } };
};

describe('storage write failure: a full disk under the SQLite database', () => {
  const rig = useChaosRig('fb-chaos-full-');

  it('stops acking, reports unhealthy on /healthz, resumes when space returns; nothing lost', async () => {
    const { dataDir, devices } = rig;
    // The data directory becomes a small tmpfs: unmounted before the rig removes the directory.
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${FS_SIZE}`, 'tmpfs', dataDir]);
    rig.after(() => void execFileSync('umount', [dataDir]));
    const svc = (rig.svc = await startServiceProcess({ dataDir }));
    for (let i = 0; i < TABLETS; i++) devices.push(new SimDevice(`full-${i}`, 'tablet'));
    await connectDevices(svc.base, `mqtt://127.0.0.1:${svc.mqttPort}`, devices, (d) => LOGINS.opA(d.deviceId));
    const admin = await login(svc.base, LOGINS.admin('full-admin'));
    const from = Date.now() - 60_000;
    for (const d of devices) for (let k = 0; k < 10; k++) d.record();
    await drained(devices, 30_000);
    expect((await health(svc.base)).status).toBe(200);

    const filler = join(dataDir, 'filler');
    const filled = await fill(filler);
    // The shift goes on: 500 taps per tablet, far more than the database's free pages hold.
    for (const d of devices) for (let k = 0; k < 500; k++) d.record();
    const t0 = performance.now();
    await waitFor('/healthz to report storage unwritable', async () => (await health(svc.base)).status === 503, 30_000, 200);
    const unhealthyAfterMs = Math.round(performance.now() - t0);
    const unhealthy = await health(svc.base);
    expect(unhealthy.body).toMatchObject({ status: 'degraded', isStorageWritable: false });
    await sleep(5000);
    const waitingWhileFull = devices.reduce((n, d) => n + d.waiting, 0);
    // Still unacked five seconds later: the service does not ack what it could not store.
    expect(waitingWhileFull).toBeGreaterThan(0);
    expect((await health(svc.base)).status).toBe(503);

    await rm(filler);
    const t1 = performance.now();
    await waitFor('/healthz to recover', async () => (await health(svc.base)).status === 200, 60_000, 200);
    const healthyAfterMs = Math.round(performance.now() - t1);
    await drained(devices, 90_000);
    const drainMs = Math.round(performance.now() - t1);
    const t = await tally({ base: svc.base, dataDir, devices, from, adminToken: admin.token });
    report('storage-full', { fsSize: FS_SIZE, fillerBytes: filled, unhealthyAfterMs, waitingWhileFull, healthyAfterSpaceMs: healthyAfterMs, drainedAfterSpaceMs: drainMs, ...t });
    expect(t).toMatchObject({ lost: 0, doubledRows: 0, rejected: 0, oeeLost: 0, oeeDoubled: 0 });
  });
});
