// Runs as a child process: inserts the records it is sent into the SQLite file, in batches, and reports.
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { StoredEventInput } from '../../../src/server/storage/storage.ts';

// Opened before 'ready' (the file is the first argument): the adapter's event writer thread is
// then running when the parent starts writing, so the two really write at the same time.
const storage = openSqliteStorage(process.argv[2]!);
await storage.migrate();

process.once('message', async (message) => {
  const { batches } = message as { file: string; batches: StoredEventInput[][] };
  const inserted: string[] = [];
  try {
    for (const batch of batches) inserted.push(...(await storage.insertEvents(batch)).inserted);
    process.send?.({ inserted });
  } catch (error) {
    process.send?.({ error: String(error) });
  } finally {
    await storage.close();
    process.disconnect();
  }
});
process.send?.({ ready: true });
