import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../src/server/ingest/group-commit.ts';

const asIs = async <T>(written: T) => written;
const nextTurn = () => new Promise((r) => setImmediate(r));

describe('group commit', () => {
  it('commits the items submitted in one turn together, in order, and answers each with its own result', async () => {
    const groups: number[][] = [];
    const submit = createGroupCommit(async (items: readonly number[]) => {
      groups.push([...items]);
      return items.map((i) => i * 10);
    }, asIs);
    const results = await Promise.all([1, 2, 3].map((i) => submit(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('collects what arrives while a write runs into the next group, never overlapping two writes', async () => {
    const groups: number[][] = [];
    let running = 0;
    let release: () => void = () => {};
    const submit = createGroupCommit(async (items: readonly number[]) => {
      running++;
      expect(running).toBe(1);
      groups.push([...items]);
      if (items[0] === 1) await new Promise<void>((r) => (release = r));
      running--;
      return items;
    }, asIs);
    const first = submit(1);
    await nextTurn(); // the first write is running now
    const later = [submit(2), submit(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(groups).toEqual([[1], [2, 3]]);
  });

  it('writes the next group while the previous one is still finishing, and still settles groups in order', async () => {
    const log: string[] = [];
    let releaseFinish: () => void = () => {};
    const submit = createGroupCommit(
      async (items: readonly number[]) => {
        log.push(`write ${items.join(',')}`);
        return items;
      },
      async (items: readonly number[]) => {
        log.push(`finish ${items.join(',')}`);
        // The first group's finish (its acks) waits: the next group must be written meanwhile.
        if (items[0] === 1) await new Promise<void>((r) => (releaseFinish = r));
        return items;
      },
    );
    const settledOrder: number[] = [];
    const track = (p: Promise<number>) => p.then((n) => (settledOrder.push(n), n));
    const first = track(submit(1));
    await nextTurn();
    await nextTurn();
    const second = track(submit(2));
    await nextTurn();
    await nextTurn();
    // Group 2 is written although group 1 has not finished, and has not settled before it.
    expect(log).toEqual(['write 1', 'finish 1', 'write 2']);
    expect(settledOrder).toEqual([]);
    releaseFinish();
    expect(await Promise.all([first, second])).toEqual([1, 2]);
    expect(log).toEqual(['write 1', 'finish 1', 'write 2', 'finish 2']);
    expect(settledOrder).toEqual([1, 2]);
  });

  it('rejects every item of a failed group after the earlier groups settled, and goes on with the next group', async () => {
    let calls = 0;
    const settledOrder: string[] = [];
    let releaseFinish: () => void = () => {};
    const submit = createGroupCommit(
      async (items: readonly string[]) => {
        if (calls++ === 1) throw new Error('disk full');
        return items;
      },
      async (items: readonly string[]) => {
        if (items[0] === 'a') await new Promise<void>((r) => (releaseFinish = r));
        return items;
      },
    );
    const track = (p: Promise<string>, name: string) => p.then(() => settledOrder.push(`${name} ok`), () => settledOrder.push(`${name} failed`));
    const first = track(submit('a'), 'a');
    await nextTurn();
    await nextTurn();
    const b = submit('b');
    const failed = Promise.allSettled([b, submit('c')]);
    const done = track(b, 'b');
    await nextTurn();
    await nextTurn();
    expect(settledOrder).toEqual([]); // the failed group waits for the first one's finish
    releaseFinish();
    await first;
    const outcome = await failed;
    expect(outcome.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((outcome[0] as PromiseRejectedResult).reason).toEqual(new Error('disk full'));
    await done;
    expect(settledOrder).toEqual(['a ok', 'b failed']);
    expect(await submit('d')).toBe('d');
  });

  it('also rejects what is queued behind a failed write (it is delivered again after the failed group)', async () => {
    let release: () => void = () => {};
    const written: string[][] = [];
    const submit = createGroupCommit(async (items: readonly string[]) => {
      written.push([...items]);
      if (items[0] === 'a') {
        await new Promise<void>((r) => (release = r));
        throw new Error('disk full');
      }
      return items;
    }, asIs);
    const first = Promise.allSettled([submit('a')]);
    await nextTurn();
    const behind = Promise.allSettled([submit('b'), submit('c')]);
    release();
    expect((await first).map((r) => r.status)).toEqual(['rejected']);
    expect((await behind).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // 'b' and 'c' were never written, so nothing of them can have been refused or stored.
    expect(written).toEqual([['a']]);
    expect(await submit('d')).toBe('d');
  });

  it('settles a group whose write threw at once, or whose weight could not be read, instead of stalling', async () => {
    const submit = createGroupCommit(
      (items: readonly string[]) => {
        if (items.includes('boom')) throw new Error('thrown before any await');
        return Promise.resolve(items);
      },
      asIs,
      {
        weight: (item: string) => {
          if (item === 'unweighable') throw new Error('no weight');
          return 1;
        },
      },
    );
    await expect(submit('boom')).rejects.toThrow('thrown before any await');
    await expect(submit('unweighable')).rejects.toThrow('no weight');
    expect(await submit('fine')).toBe('fine');
  });

  it('keeps the order when a finish fails while the next group is already written', async () => {
    const order: string[] = [];
    let releaseFinish: () => void = () => {};
    const submit = createGroupCommit(
      async (items: readonly string[]) => items,
      async (items: readonly string[]) => {
        if (items[0] === 'a') {
          await new Promise<void>((r) => (releaseFinish = r));
          throw new Error('finish failed');
        }
        return items;
      },
    );
    const a = submit('a').then(() => order.push('a ok'), () => order.push('a failed'));
    await nextTurn();
    await nextTurn();
    const b = submit('b').then(() => order.push('b ok'), () => order.push('b failed'));
    await nextTurn();
    await nextTurn();
    expect(order).toEqual([]);
    releaseFinish();
    await Promise.all([a, b]);
    expect(order).toEqual(['a failed', 'b ok']);
  });

  it('rejects every item of a group whose finish fails', async () => {
    const submit = createGroupCommit(async (items: readonly string[]) => items, async () => {
      throw new Error('ack failed');
    });
    const outcome = await Promise.allSettled([submit('a'), submit('b')]);
    expect(outcome.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('splits a long queue into groups of at most the limit', async () => {
    const sizes: number[] = [];
    const submit = createGroupCommit(async (items: readonly number[]) => (sizes.push(items.length), items), asIs, { maxItems: 4 });
    await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });

  it('closes a group at the weight limit (events, not messages), but always takes one item', async () => {
    const groups: number[][] = [];
    const submit = createGroupCommit(async (items: readonly number[]) => (groups.push([...items]), items), asIs, { maxItems: 100, maxWeight: 10, weight: (n: number) => n });
    await Promise.all([3, 4, 3, 5, 20, 1].map((n) => submit(n)));
    // 3+4+3 = 10 fits; 5 would pass 10; 20 alone is over the limit but still goes, alone.
    expect(groups).toEqual([[3, 4, 3], [5], [20], [1]]);
  });
});
