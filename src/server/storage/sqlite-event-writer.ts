import { Worker } from 'node:worker_threads';

/** What the worker answers to one write. */
type Reply = { id: number; duplicates: string[] } | { id: number; error: string };

interface Waiting {
  resolve: (duplicates: string[]) => void;
  reject: (error: Error) => void;
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
  #worker: Worker | null = null;
  readonly #waiting = new Map<number, Waiting>();
  #nextId = 0;
  /** The newest write: the worker answers in order, so once it settles every write has. */
  #last: Promise<unknown> = Promise.resolve();

  constructor(file: string, sql: EventRowSql) {
    this.#file = file;
    this.#sql = sql;
    // Started now, so the first write does not wait for the thread.
    this.#start();
  }

  /** Inserts the rows of `ids` (`values` flattened, `width` per row) unless stored; resolves with the ids already stored. */
  write(ids: readonly string[], values: readonly unknown[]): Promise<string[]> {
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    const written = new Promise<string[]>((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      // Only a thread with writes pending keeps the process alive.
      if (this.#waiting.size === 1) worker.ref();
      worker.postMessage({ id, ids, values });
    });
    this.#last = written.catch(() => {});
    return written;
  }

  /** Lets the pending writes finish, then closes the worker's connection. */
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    await this.#last;
    this.#worker = null;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.ref(); // until it has closed its connection and exited
    worker.postMessage('close');
    await exited;
  }

  #start(): Worker {
    const { lookupSql, insertSql, chunks, width } = this.#sql;
    const worker = new Worker(new URL('./event-writer.worker.mjs', import.meta.url), {
      workerData: { file: this.#file, lookupSql, insertSql, chunks, width },
      // Plain JavaScript: without the parent's `--import tsx` it starts in ~80 ms instead of ~270.
      execArgv: [],
    });
    worker.unref(); // ref'd only while writes are pending (see write)
    worker.on('message', (reply: Reply) => {
      const waiting = this.#waiting.get(reply.id);
      if (!waiting) return;
      this.#waiting.delete(reply.id);
      if (this.#waiting.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(new Error(reply.error));
      else waiting.resolve(reply.duplicates);
    });
    const fail = (error: Error) => {
      if (this.#worker === worker) this.#worker = null;
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`event writer thread exited (code ${code})`)));
    this.#worker = worker;
    return worker;
  }
}
