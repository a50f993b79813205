import { serviceDownFrom, type Monitoring, type TimeSpan } from '../core/oee/no-data.ts';
import type { Storage } from './storage/storage.ts';

/** How often the running service marks itself alive: a crash loses at most this much of the run. */
export const ALIVE_EVERY_MS = 10_000;

/** The service's own run log (docs/adr/0009-no-data.md), and what it tells the OEE engine. */
export interface RunLog {
  readonly runId: number;
  /** When the service was down: the gaps between its runs up to this one (fixed for this run). */
  readonly serviceDown: readonly TimeSpan[];
  /** What the engine cannot see in a report's events: downtime, and each line's first stored event. */
  monitoring(lineIds: readonly string[]): Promise<Monitoring>;
  /** Ends the run (a clean stop). */
  stop(): Promise<void>;
}

/**
 * Records this run: its start now, "alive at" every `aliveEveryMs`, its end on `stop`. Reads the
 * earlier runs once: the downtime before this run cannot change while it goes on.
 */
export async function startRunLog(o: {
  storage: Storage;
  now: () => number;
  log: (message: string, fields?: Record<string, unknown>) => void;
  aliveEveryMs?: number;
}): Promise<RunLog> {
  const runId = await o.storage.startRun(o.now());
  const serviceDown = serviceDownFrom(await o.storage.listRuns());
  const timer = setInterval(() => {
    o.storage.touchRun(runId, o.now()).catch((error: unknown) => o.log('run log: alive mark failed', { error: (error as Error).message }));
  }, o.aliveEveryMs ?? ALIVE_EVERY_MS);
  timer.unref();
  return {
    runId,
    serviceDown,
    async monitoring(lineIds) {
      return { serviceDown, firstEventAt: await o.storage.firstEventTimes(lineIds) };
    },
    async stop() {
      clearInterval(timer);
      await o.storage.endRun(runId, o.now());
    },
  };
}
