import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifySignature, SIGNATURE_HEADER } from '../../../src/server/andon/webhook-signature.ts';
import { FIXTURE_PLANT } from '../support/service-harness.ts';

export const WEBHOOK_SECRET_ENV = 'ANDON_TEST_WEBHOOK_SECRET';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

/** One request the receiver got, with whether its HMAC was valid. */
export interface Received {
  at: number;
  body: { change: string; call: { id: string; level: number; kind: string; ack: { name: string } | null } };
  signatureProblem: string | null;
}

/**
 * A real local webhook receiver on a free port. `answer` decides each response: a status, or
 * 'hang' for one that never answers in time. `close` and `listen` take it down and bring it back
 * on the same port.
 */
export async function startReceiver(answer: (n: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  let requests = 0;
  let server: Server | null = null;
  let port = 0;
  const handler = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString('utf8')));
    req.on('end', () => {
      const n = ++requests;
      const a = answer(n);
      received.push({ at: Date.now(), body: JSON.parse(raw) as Received['body'], signatureProblem: verifySignature(WEBHOOK_SECRET, raw, req.headers[SIGNATURE_HEADER] as string | undefined, Date.now()) });
      if (a === 'hang') return setTimeout(() => res.writeHead(200).end(), 3000).unref();
      res.writeHead(a).end();
    });
  };
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer(handler);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  return {
    received,
    get url() {
      return `http://127.0.0.1:${port}/hook`;
    },
    get requests() {
      return requests;
    },
    listen,
    close: () => new Promise<void>((resolve) => (server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve())),
  };
}

/** The test plant, round the clock without breaks, line-a watched all along, with these andon rules and one webhook. */
export async function andonPlant(rules: unknown[], webhookUrl: string): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'fb-andon-'));
  const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown> & { calendar: { shifts: { breaks?: unknown }[] }; areas: { lines: Record<string, unknown>[] }[] };
  for (const s of plant.calendar.shifts) delete s.breaks;
  for (const a of plant.areas) for (const l of a.lines) if (l.id === 'line-a') Object.assign(l, { monitoredFrom: '2000-01-01T00:00:00Z', heartbeatTimeoutSec: 3600 });
  plant.andon = { rules, webhooks: [{ id: 'test-hook', url: webhookUrl, secretEnv: WEBHOOK_SECRET_ENV }] };
  const file = join(dir, 'plant.json');
  await writeFile(file, JSON.stringify(plant));
  return { dir, file };
}

/** Polls `read` until `accept` holds or the time is up. */
export async function until<T>(read: () => T | Promise<T>, accept: (v: T) => boolean, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (accept(v)) return v;
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
