import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSmtp } from '../support/smtp-receiver.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStorage } from '../../../src/server/storage/postgres-storage.ts';
import { openSqliteStorage } from '../../../src/server/storage/sqlite-storage.ts';
import type { Storage } from '../../../src/server/storage/storage.ts';
import { startReportScheduler } from '../../../src/server/report/report-scheduler.ts';
import { announcementOf, postWebhook, shiftReportAnnouncementSchema } from '../../../src/server/report/report-delivery.ts';
import { buildShiftReport } from '../../../src/core/report/shift-report.ts';
import type { ShiftReport } from '../../../src/core/report/shift-report.ts';
import { H, MONDAY, makePlant } from '../../core/oee/fixtures.ts';
import { shiftEvents } from '../../core/report/report-fixture.ts';
import { pdfText } from '../../helpers/pdf-text.ts';
import { startTestPostgres, type TestPostgres } from '../../helpers/postgres.ts';

const plant = makePlant();
const SHIFT_START = MONDAY + 6 * H;
const SHIFT_END = MONDAY + 14 * H;

/** A webhook receiver that answers 503 to the first `failFirst` posts, then 204. */
async function startReceiver(failFirst: number) {
  const bodies: unknown[] = [];
  let calls = 0;
  const read = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let s = '';
    req.on('data', (c: Buffer) => (s += c.toString()));
    req.on('end', () => resolve(s));
  });
  const server: Server = createServer((req, res) => {
    void read(req).then((body) => {
      calls++;
      if (calls <= failFirst) return res.writeHead(503).end();
      bodies.push(JSON.parse(body));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies, calls: () => calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}


async function storeShift(storage: Storage) {
  const { events } = shiftEvents();
  await storage.insertEvents(events.map((event) => ({ event, topic: 't', receivedAt: event.ts, clockOffsetMs: 0, correctedTs: event.ts })));
}

function schedulerTests(name: string, open: () => Promise<{ storage: Storage; reopen: () => Promise<Storage> }>) {
  describe(`shift reports at the end of a shift (${name})`, () => {
    it('makes, stores and announces each line\'s report once, also after a restart, and mails the PDF', async () => {
      const { storage, reopen } = await open();
      await storeShift(storage);
      const hook = await startReceiver(2);
      const smtp = await startSmtp({ user: 'reports', password: 'from-env' }, true);
      const published: { topic: string; payload: string; retain: boolean | undefined }[] = [];
      const logs: string[] = [];
      const options = {
        plant,
        log: (m: string, f?: Record<string, unknown>) => logs.push(`${m} ${JSON.stringify(f)}`),
        publish: async (topic: string, payload: string, o?: { retain?: boolean }) => void published.push({ topic, payload, retain: o?.retain }),
        webhook: { url: hook.url, backoffMs: 20 },
        smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'reports', password: 'from-env', from: 'floorboard@plant.test', to: ['lead@plant.test'] },
        language: 'de' as const,
        catchUpMs: 3 * H,
        intervalMs: 60_000,
      };
      try {
        // Before the shift's end nothing is made.
        let clock = SHIFT_END - 1;
        const before = startReportScheduler({ ...options, storage, now: () => clock });
        expect(await before.runOnce()).toEqual([]);
        clock = SHIFT_END + 10 * 60_000;
        const made = await before.runOnce();
        await before.stop();
        expect(made.map((r) => r.lineId).sort()).toEqual(['l1', 'l2', 'l3']);

        // The service restarts: the same shift is not made or sent again.
        const again = await reopen();
        const restarted = startReportScheduler({ ...options, storage: again, now: () => clock + H });
        expect(await restarted.runOnce()).toEqual([]);
        await restarted.stop();

        const stored = await again.getShiftReport('l1', SHIFT_START);
        const model = JSON.parse(stored!.model) as ShiftReport;
        expect(model.madeAt).toBe(SHIFT_END + 10 * 60_000);
        expect(model.figures.reject).toBe(17);
        expect(model.handovers[0]?.acks).toHaveLength(1);
        expect(await again.listShiftReports({ lineIds: ['l1'], from: SHIFT_START, to: SHIFT_END })).toEqual([
          { lineId: 'l1', shiftStart: SHIFT_START, shiftEnd: SHIFT_END, shiftId: 'early', madeAt: SHIFT_END + 10 * 60_000 },
        ]);

        // MQTT: one retained announcement per line on its own report topic.
        const l1 = published.filter((p) => p.topic === 'floorboard/v1/site/a1/l1/report');
        expect(l1).toHaveLength(1);
        expect(l1[0]!.retain).toBe(true);
        expect(shiftReportAnnouncementSchema.parse(JSON.parse(l1[0]!.payload))).toMatchObject({ lineId: 'l1', shiftStart: SHIFT_START, oee: model.figures.oee });
        expect(published).toHaveLength(3);

        // Webhook: the receiver failed twice, the retries got every report through, each once.
        expect(hook.bodies.map((b) => (b as { lineId: string }).lineId).sort()).toEqual(['l1', 'l2', 'l3']);
        expect(hook.calls()).toBe(5);

        // Email: to the configured recipient, subject with the line, the PDF attached with the figures.
        const mail = smtp.mails.find((m) => m.mail.subject?.includes(': l1'));
        expect(mail?.to).toEqual(['lead@plant.test']);
        expect(mail?.mail.subject).toContain('Schichtbericht: l1');
        const pdf = mail!.mail.attachments.find((a) => a.contentType === 'application/pdf');
        expect(pdf?.filename).toBe('shift-report-l1-2025-01-06T0600.pdf');
        const text = (await pdfText(pdf!.content)).pages.join(' ');
        expect(text).toContain('Schichtbericht: l1');
        expect(text).toContain('Verfügbarkeit');
        expect(text).toContain('Coil nearly empty');
        expect(text).toMatch(/Ausschuss nach Grund.*Jam\s+12/s);
        expect(smtp.mails).toHaveLength(3);
        expect(logs.filter((l) => l.includes('failed'))).toEqual([]);
      } finally {
        await hook.close();
        await smtp.close();
      }
    });
  });
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

schedulerTests('SQLite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fb-report-'));
  dirs.push(dir);
  const file = join(dir, 'floorboard.db');
  const storage = openSqliteStorage(file);
  await storage.migrate();
  return {
    storage,
    reopen: async () => {
      await storage.close();
      const again = openSqliteStorage(file);
      await again.migrate();
      return again;
    },
  };
});

let pgServer: TestPostgres;
beforeAll(async () => {
  pgServer = await startTestPostgres();
}, 60_000);
afterAll(async () => {
  await pgServer?.stop();
});

schedulerTests('PostgreSQL', async () => {
  const url = await pgServer.createDatabase();
  const storage = openPostgresStorage(url, { max: 2 });
  await storage.migrate();
  return {
    storage,
    reopen: async () => {
      await storage.close();
      const again = openPostgresStorage(url, { max: 2 });
      await again.migrate();
      return again;
    },
  };
});

describe('shift report webhook', () => {
  it('gives up after its tries with the last answer, and a failed delivery neither loses the stored report nor blocks the others', async () => {
    const hook = await startReceiver(1_000);
    const dir = await mkdtemp(join(tmpdir(), 'fb-report-'));
    dirs.push(dir);
    const storage = openSqliteStorage(join(dir, 'floorboard.db'));
    await storage.migrate();
    try {
      await expect(postWebhook({ url: hook.url, attempts: 3, backoffMs: 5 }, announcementOf(buildShiftReport({ plant, events: [], lineId: 'l1', shift: { shiftId: 'early', start: SHIFT_START, end: SHIFT_END, breaks: [] }, now: SHIFT_END })))).rejects.toMatchObject({ code: 'delivery-failed', message: expect.stringMatching(/failed 3 times, last: HTTP 503/) });
      expect(hook.calls()).toBe(3);
      const logs: string[] = [];
      const published: string[] = [];
      const s = startReportScheduler({
        storage, plant, now: () => SHIFT_END + 60_000, catchUpMs: H, language: 'en',
        log: (m) => logs.push(m),
        publish: async (topic) => void published.push(topic),
        webhook: { url: hook.url, attempts: 2, backoffMs: 5 },
      });
      expect((await s.runOnce()).map((r) => r.lineId).sort()).toEqual(['l1', 'l2', 'l3']);
      await s.stop();
      expect(published).toHaveLength(3);
      expect(logs.filter((l) => l === 'shift report delivery failed')).toHaveLength(3);
      expect(await storage.getShiftReport('l2', SHIFT_START)).not.toBeNull();
    } finally {
      await storage.close();
      await hook.close();
    }
  });
});
