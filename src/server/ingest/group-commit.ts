/** Most messages committed in one storage transaction (the broker's in-flight window is smaller anyway). */
export const MAX_GROUP_MESSAGES = 64;

interface Waiting<I, O> {
  item: I;
  resolve: (out: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: items submitted while a commit is running (or in the same turn of the event loop)
 * are committed together by one call of `commit`, in submission order. Each submitter's promise
 * settles only after its group's commit: with the results for its item, or with the commit's
 * error for every item of the group. Groups never overlap, so a later item is never committed
 * before an earlier one.
 */
export function createGroupCommit<I, O>(commit: (items: readonly I[]) => Promise<readonly O[]>, maxGroup = MAX_GROUP_MESSAGES) {
  const queue: Waiting<I, O>[] = [];
  let isBusy = false;

  async function flush(): Promise<void> {
    const group = queue.splice(0, maxGroup);
    try {
      const results = await commit(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i]!));
    } catch (error) {
      for (const w of group) w.reject(error);
    } finally {
      isBusy = false;
      schedule();
    }
  }

  function schedule(): void {
    if (isBusy || queue.length === 0) return;
    isBusy = true;
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
