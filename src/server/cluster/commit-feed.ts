import type { Storage, StoredEvent } from '../storage/storage.ts';

/** How often the feed looks for new commits when the last look found less than a page. */
export const FEED_EVERY_MS = 100;
/**
 * A follower's look (andon's events only, for its API's call log) is less pressing: its own answers
 * are taken in at once (andon-service.ts), the other instances' within a second.
 */
export const FOLLOW_FEED_EVERY_MS = 1000;
const PAGE = 5000;
const RETRY_MS = 1000;

export interface CommitFeed {
  /** The storage sequence read up to. */
  seq(): number;
  /** Resolves when the look in flight (if any) has ended: the next one asks `types` again. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Every commit of every instance, in storage order: the tail of the events table by storage
 * sequence. PostgreSQL writers are serialised (postgres-storage.ts), so a row that commits late
 * never has a lower sequence than one already read, and the tail skips nothing. The live
 * figures, hourly buckets and andon of the leader follow the whole cluster's commits through it,
 * not only the ones their own instance made.
 */
export function startCommitFeed(o: {
  storage: Pick<Storage, 'listEvents' | 'lastStorageSeq'>;
  /** Start after this sequence (the last one stored when the instance started). */
  afterSeq: number;
  /** Only events of these types (a follower keeps only andon's call log); null: every event (the leader). Asked at each look. */
  types?: () => readonly string[] | null;
  onRecords: (records: readonly StoredEvent[]) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
  everyMs?: number;
  /** A follower's interval (only `types` read). */
  followEveryMs?: number;
}): CommitFeed {
  let seq = o.afterSeq;
  let isStopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const every = o.everyMs ?? FEED_EVERY_MS;
  const followEvery = o.followEveryMs ?? Math.max(every, FOLLOW_FEED_EVERY_MS);

  /** Of some types only: up to the last sequence stored now, so rows of other types are never read again. */
  async function lookAt(types: readonly string[]): Promise<number> {
    const top = await o.storage.lastStorageSeq();
    if (top <= seq) return followEvery;
    const page = await o.storage.listEvents({ afterSeq: seq, types: [...types], orderBy: 'seq', limit: PAGE });
    const events = page.events.filter((e) => e.storageSeq <= top);
    const isFull = page.events.length + page.unreadable.length >= PAGE;
    seq = isFull && page.lastSeq !== null ? Math.min(page.lastSeq, top) : top;
    if (events.length > 0 && !isStopped) o.onRecords(events);
    return isFull ? 0 : followEvery;
  }

  async function look(): Promise<number> {
    try {
      const types = o.types?.() ?? null;
      if (types) return await lookAt(types);
      const page = await o.storage.listEvents({ afterSeq: seq, orderBy: 'seq', limit: PAGE });
      if (page.lastSeq !== null) seq = page.lastSeq;
      for (const u of page.unreadable) o.log('commit feed: a stored event no longer parses; skipped', { storageSeq: u.storageSeq, id: u.id, issues: u.issues });
      if (page.events.length > 0 && !isStopped) o.onRecords(page.events);
      // A full page: more are waiting, look again at once.
      return page.lastSeq !== null && page.events.length + page.unreadable.length >= PAGE ? 0 : every;
    } catch (error) {
      o.log('commit feed: storage read failed; trying again', { error: (error as Error).message });
      return RETRY_MS;
    }
  }

  function schedule(ms: number): void {
    if (isStopped) return;
    timer = setTimeout(() => {
      running = look().then(schedule);
    }, ms);
    timer.unref();
  }

  schedule(0);
  return {
    seq: () => seq,
    settle: () => running,
    async stop() {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
