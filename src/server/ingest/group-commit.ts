/**
 * Most messages committed in one storage transaction. Single-event messages (live taps, machine
 * signals) need large groups: a commit costs about as much as tens of rows, so the group is sized
 * for the service's CPU per event at one event per message (bench:ingest).
 */
export const MAX_GROUP_MESSAGES = 256;
/** Most events in one transaction, whatever the message count (100-event messages: 64 a group). */
export const MAX_GROUP_EVENTS = 6400;

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a write is running (or in the same turn of the event loop)
 * are written together by one call of `write`, in submission order, then handed to `finish`, which
 * gives each item its result. Each submitter's promise settles only after its group's write: with
 * its result, or with the error for every item of the group.
 *
 * Writes never overlap, so a later item is never written before an earlier one, and a write sees
 * every earlier group committed. A failed write rejects its group and every item queued behind
 * it. The next group's write starts as soon as the previous write is done, before that group's
 * `finish` runs: with the writes on another thread (SQLite), finishing one group (acks, live
 * views) overlaps writing the next. Groups still settle in order, so acknowledgements go out in
 * the order the messages came in. See docs/adr/0007-overlapped-groups-and-group-acks.md.
 */
export function createGroupCommit<I, W, O>(
  write: (items: readonly I[]) => Promise<W>,
  finish: (written: W) => Promise<readonly O[]>,
  limits: { maxItems?: number; maxWeight?: number; weight?: (item: I) => number } = {},
) {
  const { maxItems = MAX_GROUP_MESSAGES, maxWeight = MAX_GROUP_EVENTS, weight = () => 1 } = limits;
  const queue: Waiting<I, O>[] = [];
  let isWriting = false;
  /** Settles when the newest group has settled: the next one settles after it. */
  let settled: Promise<void> = Promise.resolve();

  /** The next group: at most maxItems items and maxWeight in weight, but always the first item. */
  function take(): Waiting<I, O>[] {
    let n = 0;
    let total = 0;
    while (n < queue.length && n < maxItems) {
      total += weight(queue[n]!.item);
      if (n > 0 && total > maxWeight) break;
      n++;
    }
    return queue.splice(0, n);
  }

  async function flush(): Promise<void> {
    let group: Waiting<I, O>[] = [];
    let written: W;
    try {
      group = take();
      // Through a promise even if `write` throws at once: a rejection must settle after the
      // groups before it, like a result.
      written = await Promise.resolve(group.map((w) => w.item)).then(write);
    } catch (error) {
      // What is queued behind a failed write is refused too: it came on the same connection,
      // which the caller drops, and the broker delivers it again after the failed group. Written
      // now, a correction in it could be refused for pointing at an event of the failed group.
      const refused = [...group, ...queue.splice(0)];
      settled = settled.then(() => refused.forEach((w) => w.reject(error)));
      isWriting = false;
      return;
    }
    isWriting = false;
    // What arrived during the write is written now, before this group is finished.
    if (queue.length > 0) {
      isWriting = true;
      void flush();
    }
    settled = settled.then(async () => {
      try {
        const results = await finish(written);
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of group) w.reject(error);
      }
    });
  }

  function schedule(): void {
    if (isWriting || queue.length === 0) return;
    isWriting = true;
    // setImmediate, not a microtask: lets the MQTT client parse the rest of what the socket
    // already holds, so those messages join this group.
    setImmediate(() => void flush());
  }

  return function submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
  };
}
