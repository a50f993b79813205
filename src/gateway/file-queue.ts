import { appendFile, open, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FloorEvent } from '../core/index.ts';

/** Lines of acknowledged events the file may hold before it is rewritten with only the waiting ones. */
const COMPACT_AFTER_LINES = 20_000;

/**
 * The gateway's durable outbox: an append-only JSONL file in its data dir. An event is appended
 * (and synced) before it is published, and leaves the queue only when the service's ack names its
 * id, accepted or refused for good (a refused one is in the service's dead letters). A gateway cut
 * off from the service, or restarted, sends what the file holds; ingest drops what it already has.
 * An ack is appended as a line of ids (`{"acked":[...]}`), and the file is rewritten with only the
 * waiting events once acknowledged lines outnumber them (and 20,000), or when nothing waits: each
 * ack costs its own size, not the size of the backlog.
 */
export class FileQueue {
  readonly #file: string;
  #events: FloorEvent[] = [];
  /** Lines in the file that hold nothing waiting (acknowledged events and ack lines). */
  #deadLines = 0;
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
    const waiting = new Map<string, FloorEvent>();
    const acked = new Set<string>();
    let lines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines++;
      try {
        const entry = JSON.parse(line) as FloorEvent | { acked: string[] };
        if ('acked' in entry) {
          for (const id of entry.acked) {
            waiting.delete(id);
            acked.add(id);
          }
        } else if (!waiting.has(entry.id) && !acked.has(entry.id)) waiting.set(entry.id, entry);
      } catch {
        // A line cut short by a crash while appending: its event was never published, and its reading
        // is read again; a cut ack line only means those events are sent again, and dropped as duplicates.
      }
    }
    // A line cut short ends the file: what is appended next starts on a line of its own.
    if (text !== '' && !text.endsWith('\n')) await q.#writeLines('\n');
    q.#events = [...waiting.values()];
    q.#deadLines = lines - q.#events.length;
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

  /** Drops the events with these ids: an ack line, or now and then the file rewritten whole (write, sync, rename: never half a file). */
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
    await this.#writeLines(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    this.#events.push(...events);
  }

  async #writeLines(text: string): Promise<void> {
    const handle = await open(this.#file, 'a');
    try {
      await appendFile(handle, text);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  async #remove(gone: ReadonlySet<string>): Promise<void> {
    const kept = this.#events.filter((e) => !gone.has(e.id));
    const removed = this.#events.length - kept.length;
    if (removed === 0) return;
    this.#events = kept;
    this.#deadLines += removed;
    // Emptied, the file is rewritten (as nothing): an idle gateway's file is empty.
    if (kept.length > 0 && (this.#deadLines < COMPACT_AFTER_LINES || this.#deadLines < kept.length)) {
      await this.#writeLines(`${JSON.stringify({ acked: [...gone] })}\n`);
      this.#deadLines++;
      return;
    }
    this.#deadLines = 0;
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
