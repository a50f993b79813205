import type { Storage } from '../../../src/server/storage/storage.ts';

/** `storage` that counts its calls of `method`: `calls()` says how many since the start or the last `reset()`. */
export function counting(storage: Storage, method: keyof Storage) {
  let calls = 0;
  const counted = new Proxy(storage, {
    get(target, key) {
      if (key === method) calls++;
      const value = Reflect.get(target, key) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    storage: counted,
    calls: () => calls,
    reset: () => {
      calls = 0;
    },
  };
}
