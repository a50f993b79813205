import { FloorboardError } from '../../core/index.ts';
import type { Storage } from './storage.ts';

const WRITES = new Set<string | symbol>(['insertEvents', 'insertDeadLetter', 'upsertHourlyBuckets', 'raiseMark', 'upsertDevice', 'insertAndonDeliveryAttempt']);

/**
 * Watches the storage's writes for /healthz: after a write fails in storage (disk full, database
 * gone; not a refused record), the service is unhealthy until a write succeeds again. Ingest holds
 * its PUBACKs meanwhile and retries through the broker's redelivery, so that success comes by itself.
 */
export function watchWrites(storage: Storage): { storage: Storage; writeError: () => string | null } {
  let writeError: string | null = null;
  const watched = new Proxy(storage, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const method = (value as (...args: unknown[]) => unknown).bind(target);
      if (!WRITES.has(property)) return method;
      return async (...args: unknown[]) => {
        try {
          const result = await method(...args);
          writeError = null;
          return result;
        } catch (error) {
          if (error instanceof FloorboardError && error.code === 'storage-failed') writeError = error.message;
          throw error;
        }
      };
    },
  });
  return { storage: watched, writeError: () => writeError };
}
