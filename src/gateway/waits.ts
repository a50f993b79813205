/** Waits `ms`, or less when `signal` aborts (a watcher being closed mid-backoff). */
export const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Waits for `work` at most `ms` (a dead peer never answers its goodbye); its failure is ignored. */
export const within = (work: Promise<unknown> | undefined, ms: number) =>
  Promise.race([work?.catch(() => {}), new Promise<void>((resolve) => setTimeout(resolve, ms).unref())]);
