// Runs as a child process: inserts the records it is sent into the SQLite file, in batches, and reports.
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { StoredEventInput } from '../../../src/server/storage/storage.ts';

process.once('message', async (message) => {
  const { file, batches } = message as { file: string; batches: StoredEventInput[][] };
  const storage = openSqliteStorage(file);
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
