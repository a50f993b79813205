import { Worker } from 'node:worker_threads';

/** What the worker answers to one write. */
type Reply = { id: number; duplicates: string[] } | { id: number; error: string };

interface Waiting {
  resolve: (duplicates: string[]) => void;
  reject: (error: Error) => void;
}

/** A running thread and the writes it has not answered yet. */
interface Thread {
  worker: Worker;
  waiting: Map<number, Waiting>;
  /** Settles when the thread has exited, whenever that was (an 'exit' listener added late would miss it). */
  exited: Promise<void>;
}

export interface EventRowSql {
  /** Takes a JSON array of ids, returns (plucked) those already stored. */
  lookupSql: string;
  /** INSERT statement per number of rows, for every size in `chunks`. */
  insertSql: Record<number, string>;
  /** Rows per statement, largest first, ending with 1. */
  chunks: readonly number[];
  /** Values per row. */
  width: number;
}

/**
 * Writes event rows on a worker thread with its own SQLite connection (event-writer.worker.mjs),
 * one IMMEDIATE transaction per call, and resolves with the ids that were already stored. Writes
 * run one after the other in call order (one worker, one connection, messages in order). The
 * worker starts at once and opens its connection on the first write; if it fails or exits, every
 * waiting write is rejected and the next call starts a new one. See docs/adr/0006-sqlite-writer-thread.md.
 */
export class SqliteEventWriter {
  readonly #file: string;
  readonly #sql: EventRowSql;
  #thread: Thread | null = null;
  #nextId = 0;
  /** The newest write: the worker answers in order, so once it settles every write has. */
  #last: Promise<unknown> = Promise.resolve();
  #isClosed = false;

  constructor(file: string, sql: EventRowSql) {
    this.#file = file;
    this.#sql = sql;
    // Started now, so the first write does not wait for the thread.
    this.#start();
  }

  /** Inserts the rows of `ids` (`values` flattened, `width` per row) unless stored; resolves with the ids already stored. */
  write(ids: readonly string[], values: readonly unknown[]): Promise<string[]> {
    if (this.#isClosed) return Promise.reject(new Error('event writer is closed'));
    const { worker, waiting } = this.#thread ?? this.#start();
    const id = this.#nextId++;
    const written = new Promise<string[]>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      // Only a thread with writes pending keeps the process alive.
      if (waiting.size === 1) worker.ref();
      worker.postMessage({ id, ids, values });
    });
    this.#last = written.catch(() => {});
    return written;
  }

  /** Lets the pending writes finish, then closes the worker's connection. */
  async close(): Promise<void> {
    this.#isClosed = true;
    await this.#last;
    // The thread may have died (and been replaced by a later write) while pending writes settled.
    const thread = this.#thread;
    this.#thread = null;
    if (!thread) return;
    thread.worker.ref(); // until it has closed its connection and exited
    thread.worker.postMessage('close');
    await thread.exited;
  }

  #start(): Thread {
    const { lookupSql, insertSql, chunks, width } = this.#sql;
    const worker = new Worker(new URL('./event-writer.worker.mjs', import.meta.url), {
      workerData: { file: this.#file, lookupSql, insertSql, chunks, width },
      // Plain JavaScript: without the parent's `--import tsx` loader the thread starts several times sooner.
      execArgv: [],
    });
    const thread: Thread = { worker, waiting: new Map(), exited: new Promise((resolve) => worker.once('exit', () => resolve())) };
    const { waiting } = thread;
    worker.unref(); // ref'd only while writes are pending (see write)
    worker.on('message', (reply: Reply) => {
      const w = waiting.get(reply.id);
      if (!w) return;
      waiting.delete(reply.id);
      if (waiting.size === 0) worker.unref();
      if ('error' in reply) w.reject(new Error(reply.error));
      else w.resolve(reply.duplicates);
    });
    // Only this thread's writes fail with it ('exit' follows 'error', maybe after a new thread started).
    const fail = (error: Error) => {
      if (this.#thread === thread) this.#thread = null;
      for (const w of waiting.values()) w.reject(error);
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`event writer thread exited (code ${code})`)));
    this.#thread = thread;
    return thread;
  }
}
