import { appendFile, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FloorEvent } from '../core/index.ts';

/**
 * The gateway's durable outbox: an append-only JSONL file in its data dir. An event is appended
 * (and synced) before it is published, and leaves the file only when the service's ack names its
 * id, accepted or refused for good (a refused one is in the service's dead letters). A gateway cut
 * off from the service, or restarted, sends what the file holds; ingest drops what it already has.
 */
export class FileQueue {
  readonly #file: string;
  #events: FloorEvent[] = [];
  /** Appends and rewrites run one after another, so a rewrite never drops a line being appended. */
  #chain: Promise<void> = Promise.resolve();

  private constructor(dir: string) {
    this.#file = join(dir, 'queue.jsonl');
  }

  static async open(dir: string): Promise<FileQueue> {
    const q = new FileQueue(dir);
    let text = '';
    try {
      text = await readFile(q.#file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const seen = new Set<string>();
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const e = JSON.parse(line) as FloorEvent;
        if (!seen.has(e.id)) q.#events.push(e);
        seen.add(e.id);
      } catch {
        // A line cut short by a crash while appending: its event was never published, and its reading is read again.
      }
    }
    return q;
  }

  get size(): number {
    return this.#events.length;
  }

  /** The oldest `max` events, in the order they were made. */
  peek(max: number): FloorEvent[] {
    return this.#events.slice(0, max);
  }

  append(events: readonly FloorEvent[]): Promise<void> {
    return this.#serial(() => this.#append(events));
  }

  /** Drops the events with these ids, rewriting the file whole (write, sync, rename: never half a file). */
  remove(ids: Iterable<string>): Promise<void> {
    const gone = new Set(ids);
    return this.#serial(() => this.#remove(gone));
  }

  #serial(step: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(step);
    this.#chain = run.catch(() => {});
    return run;
  }

  async #append(events: readonly FloorEvent[]): Promise<void> {
    if (events.length === 0) return;
    const handle = await open(this.#file, 'a');
    try {
      await appendFile(handle, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.#events.push(...events);
  }

  async #remove(gone: ReadonlySet<string>): Promise<void> {
    const kept = this.#events.filter((e) => !gone.has(e.id));
    if (kept.length === this.#events.length) return;
    this.#events = kept;
    const tmp = `${this.#file}.tmp`;
    const handle = await open(tmp, 'w');
    try {
      await writeFile(handle, kept.map((e) => `${JSON.stringify(e)}\n`).join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.#file);
  }
}
