import { describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../../src/server/ingest/group-commit.ts';

describe('group commit', () => {
  it('commits the items submitted in one turn together, in order, and answers each with its own result', async () => {
    const groups: number[][] = [];
    const submit = createGroupCommit(async (items: readonly number[]) => {
      groups.push([...items]);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3].map((i) => submit(i)));
    expect(results).toEqual([10, 20, 30]);
    expect(groups).toEqual([[1, 2, 3]]);
  });

  it('collects what arrives while a commit runs into the next group, never overlapping two commits', async () => {
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
    });
    const first = submit(1);
    await new Promise((r) => setImmediate(r)); // the first commit is running now
    const later = [submit(2), submit(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(groups).toEqual([[1], [2, 3]]);
  });

  it('rejects every item of a failed group, and goes on with the next group', async () => {
    let calls = 0;
    const submit = createGroupCommit(async (items: readonly string[]) => {
      if (calls++ === 0) throw new Error('disk full');
      return items;
    });
    const failed = await Promise.allSettled([submit('a'), submit('b')]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((failed[0] as PromiseRejectedResult).reason).toEqual(new Error('disk full'));
    expect(await submit('c')).toBe('c');
  });

  it('splits a long queue into groups of at most the limit', async () => {
    const sizes: number[] = [];
    const submit = createGroupCommit(async (items: readonly number[]) => (sizes.push(items.length), items), 4);
    await Promise.all(Array.from({ length: 10 }, (_, i) => submit(i)));
    expect(sizes).toEqual([4, 4, 2]);
  });
});
