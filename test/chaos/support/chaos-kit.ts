/**
 * The chaos suite's per-case rig (`npm run test:chaos`, test/chaos/*.chaos.ts), and everything of
 * sim-fleet.ts: the service as a child process, simulated devices, the count.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import type { ServiceProcess, SimDevice } from './sim-fleet.ts';

export * from './sim-fleet.ts';

// ---------------------------------------------------------------------------------------------
// Each case's parts, stopped after it.

/** What one chaos case starts. After it: devices closed, the service stopped, then `after` steps (last first), the data directory removed. */
export interface ChaosRig {
  /** A fresh directory per case (made before it). */
  dataDir: string;
  devices: SimDevice[];
  svc: ServiceProcess | null;
  /** A teardown step for something the service stands on (a broker, a database, a mount). */
  after(step: () => Promise<void> | void): void;
}

/** Registers the per-case set-up and teardown every chaos file shares; `prefix` names the data directory. */
export function useChaosRig(prefix: string): ChaosRig {
  const steps: (() => Promise<void> | void)[] = [];
  const rig: ChaosRig = { dataDir: '', devices: [], svc: null, after: (step) => void steps.push(step) };
  beforeEach(async () => {
    rig.dataDir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await Promise.all(rig.devices.map((d) => d.close()));
    rig.devices.length = 0;
    await rig.svc?.stop();
    rig.svc = null;
    for (const step of steps.splice(0).reverse()) await step();
    await rm(rig.dataDir, { recursive: true, force: true });
  });
  return rig;
}

