import { FloorboardError } from '../../core/errors.ts';
import type { EntryService } from '../services/entry-service.ts';

/**
 * The tablet's entry service, as main.ts wired it (services take their dependencies as
 * parameters; this is where the screens find the one instance). It is not part of the first
 * screen: main.ts hands in a loader, which runs when the tablet is idle after the first paint
 * (`preloadEntryService`) or at the first entry, whichever comes first.
 */
let load: (() => Promise<EntryService>) | null = null;
let loading: Promise<EntryService> | null = null;

export function useEntryService(loader: () => Promise<EntryService>): void {
  [load, loading] = [loader, null];
}

function wired(): Promise<EntryService> {
  if (!load) return Promise.reject(new FloorboardError('unauthorized', 'the entry service is not wired yet'));
  // A failed load (the chunk could not be read) is tried again with the next entry.
  loading ??= load().catch((error: unknown) => {
    loading = null;
    throw new FloorboardError('storage-failed', 'the entry service could not be loaded', { cause: error });
  });
  return loading;
}

/** Loads the entry service ahead of the first entry, so a tap never waits for it. */
export function preloadEntryService(): void {
  if (load) wired().catch((error: unknown) => console.warn('entry service not preloaded', error));
}

export const recordEntry: EntryService['recordEntry'] = async (payload, id) => (await wired()).recordEntry(payload, id);
export const startStop: EntryService['startStop'] = async () => (await wired()).startStop();
