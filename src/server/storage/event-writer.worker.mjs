// Worker thread of the SQLite adapter (sqlite-event-writer.ts): writes event rows into the events
// table on its own connection, so SQLite's work (about half of the service's CPU per event) runs
// beside the service's event loop instead of on it. Plain JavaScript so it loads the same way
// under tsx, vitest and node; the SQL comes from the adapter (workerData), so it is written once.
//
// Request: { id, ids: string[], values: unknown[] } (row values of `ids`, in EVENT_COLUMNS order,
// flattened). In ONE IMMEDIATE transaction: the ids already stored are found, the others inserted.
// Reply: { id, duplicates: string[] } (the ids that were already stored) or { id, error }.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

/** @type {{ file: string, lookupSql: string, insertSql: Record<string, string>, chunks: number[], width: number }} */
const { file, lookupSql, insertSql, chunks, width } = workerData;

/** @type {((ids: string[], values: unknown[]) => string[]) | null} */
let write = null;
/** @type {import('better-sqlite3').Database | null} */
let db = null;

function open() {
  db = new Database(file);
  try {
    prepare(db);
  } catch (error) {
    db.close();
    db = null;
    throw error;
  }
}

/** @param {import('better-sqlite3').Database} db */
function prepare(db) {
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  const lookup = db.prepare(lookupSql).pluck();
  const inserts = new Map(chunks.map((n) => [n, db.prepare(insertSql[n])]));
  const transaction = db.transaction((/** @type {string[]} */ ids, /** @type {unknown[]} */ values) => {
    // Inside the IMMEDIATE transaction nobody else can write, so the ids found now are exactly the
    // duplicates; ON CONFLICT stays as the guard.
    const stored = new Set(lookup.all(JSON.stringify(ids)));
    const fresh = [];
    const duplicates = [];
    for (let r = 0; r < ids.length; r++) {
      if (stored.has(ids[r])) duplicates.push(ids[r]);
      else fresh.push(r);
    }
    // Multi-row statements, largest first (a statement call costs about as much as a row).
    let i = 0;
    for (const size of chunks) {
      const params = new Array(size * width);
      for (; i + size <= fresh.length; i += size) {
        for (let j = 0; j < size; j++) {
          const from = fresh[i + j] * width;
          for (let c = 0; c < width; c++) params[j * width + c] = values[from + c];
        }
        inserts.get(size).run(params);
      }
    }
    return duplicates;
  });
  write = (ids, values) => transaction.immediate(ids, values);
}

parentPort.on('message', (/** @type {{ id: number, ids: string[], values: unknown[] } | 'close'} */ message) => {
  if (message === 'close') {
    db?.close();
    parentPort.close();
    return;
  }
  try {
    if (!write) open();
    parentPort.postMessage({ id: message.id, duplicates: write(message.ids, message.values) });
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
