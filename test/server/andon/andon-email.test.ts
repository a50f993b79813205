import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSmtp } from '../support/smtp-receiver.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countEvent, loginAll, publish, SITE, startHarness, type Harness } from '../support/service-harness.ts';
import { andonPlant, startReceiver, until, WEBHOOK_SECRET, WEBHOOK_SECRET_ENV } from './andon-rig.ts';

const lineA = `floorboard/v1/${SITE}/assembly/line-a`;
const SMTP_USER = 'andon';
const SMTP_PASSWORD = 'from-the-secret-file';


interface Delivery { channel: string; target: string; change: string; state: string; attempts: { status: number | null; error: string | null }[] }
interface CallRow { id: string; level: number; raisedAt: number; levels: { level: number; at: number }[] }

describe('andon calls by email through a real SMTP server', () => {
  let h: Harness;
  let dir: string;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let auth: Record<'lead', { authorization: string }>;

  beforeAll(async () => {
    process.env[WEBHOOK_SECRET_ENV] = WEBHOOK_SECRET;
    smtp = await startSmtp({ user: SMTP_USER, password: SMTP_PASSWORD });
    receiver = await startReceiver();
    const plant = await andonPlant(
      [{ id: 'stop-long', lines: ['line-a'], trigger: { kind: 'stop', afterSec: 1 }, call: 'maintenance', escalation: [{ afterSec: 0, notify: ['maintenance'] }, { afterSec: 2, notify: ['lead'] }] }],
      receiver.url,
    );
    dir = plant.dir;
    const json = JSON.parse(await readFile(plant.file, 'utf8')) as { andon: Record<string, unknown> };
    json.andon.email = { from: 'andon@plant.test', levels: [{ level: 1, to: ['maintenance@plant.test'] }, { level: 2, to: ['lead@plant.test', 'shift@plant.test'] }] };
    await writeFile(plant.file, JSON.stringify(json));
    // The password comes from a secret file beside the service, never from the plant file.
    const secretFile = join(dir, 'smtp-password');
    await writeFile(secretFile, `${SMTP_PASSWORD}\n`);
    h = await startHarness(
      { plantFile: plant.file, smtpHost: '127.0.0.1', smtpPort: smtp.port, smtpSecure: 'false', smtpUser: SMTP_USER, smtpPasswordFile: secretFile },
      { andon: { delivery: { maxAttempts: 3, backoffMs: 100, maxBackoffMs: 200, timeoutMs: 1000 } } },
    );
    ({ auth } = await loginAll(h, { lead: { kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'board-em' } }));
  });
  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const calls = async () => ((await (await h.http('/api/andon/calls', { headers: auth.lead })).json()) as { calls: CallRow[] }).calls;
  const deliveries = async (callId: string) => ((await (await h.http(`/api/andon/deliveries?call=${callId}`, { headers: auth.lead })).json()) as { deliveries: Delivery[] }).deliveries;
  const machine = async (state: string) => {
    const g = await h.login({ kind: 'password', userId: 'gw-a', password: 'gw-pass', deviceId: 'gw-em' });
    const gw = await h.connect('gw-a', g.token, 'gw-em');
    await publish(gw, `${lineA}/station/a1/signals`, JSON.stringify({ events: [countEvent({ deviceId: 'gw-em', author: 'gw-a', type: 'machine.state', state, productId: undefined, good: undefined, reject: undefined })] }));
    gw.end(true);
  };

  it('mails the raise to level 1 and the escalation to level 2, with the line, the call, the level and the time', async () => {
    await machine('fault');
    const [call] = await until(calls, (cs) => cs[0]?.level === 2, 6000, 'level 2');
    await until(() => smtp.mails.length, (n) => n === 2, 3000, 'two mails');
    const [raised, escalated] = smtp.mails;
    expect(raised!.to).toEqual(['maintenance@plant.test']);
    expect(raised!.mail.from?.text).toBe('andon@plant.test');
    expect(raised!.mail.subject).toBe('Andon Line A: maintenance called, level 1');
    const raisedAt = new Date(call!.raisedAt).toISOString();
    expect(raised!.mail.text).toContain('Line: Line A (line-a)');
    expect(raised!.mail.text).toContain('Call: maintenance');
    expect(raised!.mail.text).toContain('Level: 1');
    expect(raised!.mail.text).toContain(`Raised: ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }).format(call!.raisedAt)} (UTC; ${raisedAt})`);
    expect(escalated!.to).toEqual(['lead@plant.test', 'shift@plant.test']);
    expect(escalated!.mail.subject).toBe('Andon Line A: maintenance called, level 2 (escalated, not acknowledged)');
    expect(escalated!.mail.text).toContain('Level: 2');
    expect(escalated!.mail.text).toContain(`Escalated: ${new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' }).format(call!.levels[1]!.at)}`);
    const log = await until(() => deliveries(call!.id), (ds) => ds.filter((d) => d.channel === 'email' && d.state === 'delivered').length === 2, 3000, 'email deliveries logged');
    expect(log.filter((d) => d.channel === 'email').map((d) => [d.change, d.target, d.attempts.map((a) => a.status)])).toEqual([
      ['raised', 'maintenance@plant.test', [250]],
      ['escalated', 'lead@plant.test, shift@plant.test', [250]],
    ]);
  });

  it('retries a down SMTP server, then logs the mail as failed and dead-lettered in the call\'s delivery log', async () => {
    await machine('running');
    await until(calls, (cs) => cs.length === 0, 5000, 'the first call resolved');
    await smtp.close();
    await machine('fault');
    const [call] = await until(calls, (cs) => cs.length === 1, 5000, 'the second call');
    const log = await until(() => deliveries(call!.id), (ds) => ds.some((d) => d.channel === 'email' && d.change === 'raised' && d.state === 'dead'), 8000, 'email dead-lettered');
    const mail = log.find((d) => d.channel === 'email' && d.change === 'raised')!;
    expect(mail.attempts).toHaveLength(3);
    for (const a of mail.attempts) {
      expect(a.status).toBeNull();
      expect(a.error).toMatch(/ECONNREFUSED/);
    }
    // The other channels are not held up by the mail's failure.
    expect(log.find((d) => d.channel === 'webhook' && d.change === 'raised')?.state).toBe('delivered');
    const dead = (await (await h.http('/api/andon/deliveries?state=dead', { headers: { authorization: `Bearer ${(await h.login({ kind: 'password', userId: 'admin', password: 'admin-pass', deviceId: 'adm-em' })).token}` } })).json()) as { deliveries: Delivery[] };
    expect(dead.deliveries.map((d) => [d.channel, d.state])).toContainEqual(['email', 'dead']);
  });
});
