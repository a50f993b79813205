import type { Storage } from './storage.ts';

/** How often storage upkeep runs after the start: a month's partition is made weeks before it is needed. */
const EVERY_MS = 6 * 3600_000;

/**
 * Runs storage upkeep (month partitions and retention, pg-partitions.ts) at start and every 6 hours.
 * A failure is logged and tried again at the next run: events still land in the DEFAULT partition.
 */
export async function startStorageUpkeep(o: {
  storage: Pick<Storage, 'upkeep'>;
  now: () => number;
  retentionMonths?: number | undefined;
  log: (message: string, fields?: Record<string, unknown>) => void;
  warn: (message: string, fields?: Record<string, unknown>) => void;
}): Promise<{ stop: () => Promise<void> }> {
  let running: Promise<void> = Promise.resolve();
  const run = () =>
    (running = o.storage
      .upkeep(o.now(), o.retentionMonths)
      .then(({ made, dropped }) => {
        if (made.length) o.log('storage upkeep: event partitions made', { made });
        if (dropped.length) o.log('storage upkeep: months past retention dropped', { dropped, retentionMonths: o.retentionMonths });
      })
      .catch((error: unknown) => o.warn('storage upkeep failed; tried again in 6 h', { error: (error as Error).message })));
  await run();
  const timer = setInterval(run, EVERY_MS);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
