import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../../src/server/storage/open-storage.ts';
import { openPostgresStorage } from '../../../src/server/storage/postgres-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';
import { migrations } from '../../../src/server/storage/migrations.ts';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';
import { storageContract } from './storage.contract.ts';

let server: TestPostgres;
beforeAll(async () => {
  server = await startTestPostgres();
});
afterAll(async () => {
  await server?.stop();
});

storageContract('PostgreSQL', async () => {
  const url = await server.createDatabase();
  const opened: Storage[] = [];
  const open = () => {
    const s = openPostgresStorage(url, { max: 4 });
    opened.push(s);
    return s;
  };
  return {
    storage: open(),
    openAnother: async () => open(),
    async exec(sql) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    },
    async dispose() {
      for (const s of opened) await s.close();
    },
  };
});

describe('PostgreSQL adapter', () => {
  it('is what openStorage returns for the server URL, and reports an unreachable server as storage-failed', async () => {
    const storage = openStorage(await server.createDatabase(), '/nonexistent-unused');
    expect(storage.kind).toBe('postgres');
    expect(await storage.migrate()).toEqual(migrations.map((m) => m.version));
    await storage.close();
    const down = openPostgresStorage('postgres://postgres@127.0.0.1:1/none');
    await expect(down.listDevices()).rejects.toMatchObject({ code: 'storage-failed' });
    await down.close();
  });
});
