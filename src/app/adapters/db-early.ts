// The entry imports this module first: IndexedDB opens on the browser's storage thread while the
// rest of the bundle is still being evaluated, instead of after it.
import { openFloorboardDb, type Db } from './db.ts';

export const earlyDb: Promise<Db> = openFloorboardDb();
// An open that fails is reported where it is awaited (main.ts), not as an unhandled rejection here.
earlyDb.catch(() => undefined);
