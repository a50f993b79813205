import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FloorboardError } from '../../../src/core/errors.ts';
import { openStorage } from '../../../src/server/storage/open-storage.ts';

const root = mkdtempSync(join(tmpdir(), 'fb-open-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('openStorage', () => {
  it('without a URL creates the data directory and a migrated SQLite file in it', async () => {
    const dataDir = join(root, 'nested', 'data');
    const storage = openStorage(undefined, dataDir);
    expect(storage.kind).toBe('sqlite');
    expect(await storage.migrate()).not.toEqual([]);
    await storage.close();
    expect(existsSync(join(dataDir, 'floorboard.db'))).toBe(true);
    const again = openStorage('  ', dataDir);
    expect(await again.migrate()).toEqual([]);
    await again.close();
  });

  it('picks PostgreSQL for postgres:// and postgresql:// without connecting yet', async () => {
    for (const url of ['postgres://u@127.0.0.1:1/db', 'postgresql://u@127.0.0.1:1/db']) {
      const storage = openStorage(url, root);
      expect(storage.kind).toBe('postgres');
      await storage.close();
    }
  });

  it('refuses any other scheme, without echoing the password', () => {
    let error: unknown;
    try {
      openStorage('mysql://admin:s3cret@db/plant', root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FloorboardError);
    expect((error as FloorboardError).code).toBe('invalid-config');
    const text = [(error as FloorboardError).message, ...(error as FloorboardError).details].join(' ');
    expect(text).toMatch(/postgres:\/\//);
    expect(text).not.toMatch(/s3cret/);
  });
});
