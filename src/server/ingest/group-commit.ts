/** Most messages committed in one storage transaction (the broker's in-flight window is smaller anyway). */
export const MAX_GROUP_MESSAGES = 64;

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
 * every earlier group committed. The next group's write starts as soon as the previous write is
 * done, before that group's `finish` runs: with the writes on another thread (SQLite), finishing
 * one group (acks, live views) overlaps writing the next. Groups still settle in order, so
 * acknowledgements go out in the order the messages came in.
 */
export function createGroupCommit<I, W, O>(
  write: (items: readonly I[]) => Promise<W>,
  finish: (written: W) => Promise<readonly O[]>,
  maxGroup = MAX_GROUP_MESSAGES,
) {
  const queue: Waiting<I, O>[] = [];
  let isWriting = false;
  /** Settles when the newest group has settled: the next one settles after it. */
  let settled: Promise<void> = Promise.resolve();

  async function flush(): Promise<void> {
    const group = queue.splice(0, maxGroup);
    let written: W;
    try {
      written = await write(group.map((w) => w.item));
    } catch (error) {
      settled = settled.then(() => group.forEach((w) => w.reject(error)));
      isWriting = false;
      schedule();
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
