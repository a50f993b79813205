import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FloorboardError } from '../../src/core/index.ts';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/server/config.ts';
import { smtpServerOf } from '../../src/server/smtp-config.ts';
import { FIXTURE_PLANT, startHarness } from './support/service-harness.ts';

describe('service configuration', () => {
  it('has working defaults', () => {
    expect(parseConfig({}, [])).toMatchObject({ port: 8080, mqttTcpPort: 1883, host: '0.0.0.0', dataDir: './data', plantFile: 'plants/demo.plant.yaml', oeeIntervalMs: 5000, clockOffsetLimitMs: 60_000, isDemo: false });
  });

  it('reads the environment and the command line, the flags winning', () => {
    const c = parseConfig({ PORT: '9000', DATABASE_URL: 'postgres://u@h/db', MQTT_URL: 'mqtt://broker:1883', OEE_INTERVAL_MS: '1000', SIM_CREDENTIALS_FILE: 'broker/credentials.json' }, ['--demo', '--port=9100', '--plant', 'x.yaml']);
    expect(c).toMatchObject({ port: 9100, databaseUrl: 'postgres://u@h/db', mqttUrl: 'mqtt://broker:1883', oeeIntervalMs: 1000, isDemo: true, plantFile: 'x.yaml', simCredentialsFile: 'broker/credentials.json' });
  });

  it('lists every bad value at once, by the name the user wrote', () => {
    let error: unknown;
    try {
      parseConfig({ PORT: 'eighty', MQTT_TCP_PORT: '70000', DATABASE_URL: 'mysql://x', TOKEN_SECRET: 'short', MQTT_URL: 'http://x', METRICS_TOKEN: 'short' }, ['--frobnicate']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FloorboardError);
    const details = (error as FloorboardError).details.join('\n');
    for (const name of ['PORT', 'MQTT_TCP_PORT', 'DATABASE_URL', 'TOKEN_SECRET', 'MQTT_URL', 'METRICS_TOKEN', '--frobnicate']) expect(details).toContain(name);
    expect((error as FloorboardError).details).toHaveLength(7);
  });

  it('runs as a cluster only with what every instance must share: one PostgreSQL, one broker, one token secret', () => {
    const shared = { DATABASE_URL: 'postgres://u@h/db', MQTT_URL: 'mqtt://broker:1883', TOKEN_SECRET: 'x'.repeat(40) };
    expect(parseConfig({ ...shared, CLUSTER_GROUP: 'plant-1', INSTANCE_ID: 'host-a' }, [])).toMatchObject({ clusterGroup: 'plant-1', instanceId: 'host-a' });
    let error: unknown;
    try {
      parseConfig({ CLUSTER_GROUP: 'plant/1' }, ['--demo']);
    } catch (e) {
      error = e;
    }
    const details = (error as FloorboardError).details;
    expect(details.every((d) => d.startsWith('CLUSTER_GROUP'))).toBe(true);
    expect(details.join('\n')).toMatch(/letters, digits/);
    try {
      parseConfig({ CLUSTER_GROUP: 'plant' }, ['--demo']);
    } catch (e) {
      error = e;
    }
    expect((error as FloorboardError).details.join('\n')).toMatch(/DATABASE_URL[\s\S]*MQTT_URL[\s\S]*TOKEN_SECRET[\s\S]*--demo/);
  });

  it('runs the central service of many sites with CENTRAL_FILE or --central, on an external broker, and says what does not fit it', () => {
    expect(parseConfig({ MQTT_URL: 'mqtt://central:1883' }, ['--central', 'central.yaml'])).toMatchObject({ centralFile: 'central.yaml', mqttUrl: 'mqtt://central:1883' });
    let error: unknown;
    try {
      parseConfig({ CENTRAL_FILE: 'central.yaml', DATABASE_URL: 'postgres://u@h/db', CLUSTER_GROUP: 'c' }, ['--demo']);
    } catch (e) {
      error = e;
    }
    const details = (error as FloorboardError).details.join('\n');
    expect(details).toMatch(/CENTRAL_FILE: the centre reads the sites' bridges on the central broker: set MQTT_URL/);
    expect(details).toMatch(/CENTRAL_FILE: the centre runs no plant: run it without --demo/);
    expect(details).toMatch(/CENTRAL_FILE: the centre runs as one process: unset CLUSTER_GROUP/);
    // The centre may keep its sites in PostgreSQL (a schema per site, central/site-schema.ts).
    expect(details).not.toMatch(/DATABASE_URL/);
    expect(parseConfig({ CENTRAL_FILE: 'central.yaml', MQTT_URL: 'mqtt://central:1883', DATABASE_URL: 'postgres://u@h/db', EVENT_RETENTION_MONTHS: '24' }, [])).toMatchObject({ centralFile: 'central.yaml', databaseUrl: 'postgres://u@h/db', eventRetentionMonths: 24 });
  });

  it('reads shift report delivery from the environment (the SMTP password never from a file in the repo) and names bad values', () => {
    const c = parseConfig({ REPORT_WEBHOOK_URL: 'https://hooks.plant.test/reports', SMTP_HOST: 'mail.plant.test', SMTP_PORT: '465', SMTP_SECURE: 'true', SMTP_USER: 'floorboard', SMTP_PASSWORD: 's3cret', REPORT_EMAIL_FROM: 'floorboard@plant.test', REPORT_EMAIL_TO: 'lead@plant.test, qa@plant.test', REPORT_LANGUAGE: 'de' }, []);
    expect(c).toMatchObject({ reportWebhookUrl: 'https://hooks.plant.test/reports', smtpHost: 'mail.plant.test', smtpPort: 465, smtpSecure: true, smtpPassword: 's3cret', reportEmailTo: ['lead@plant.test', 'qa@plant.test'], reportLanguage: 'de' });
    expect(parseConfig({}, [])).toMatchObject({ smtpPort: 587, smtpSecure: false, reportLanguage: 'en' });
    let error: unknown;
    try {
      parseConfig({ REPORT_WEBHOOK_URL: 'ftp://x', REPORT_EMAIL_TO: 'lead@, qa', REPORT_LANGUAGE: 'fr', SMTP_SECURE: 'yes' }, []);
    } catch (e) {
      error = e;
    }
    const details = (error as FloorboardError).details.join('\n');
    for (const name of ['REPORT_WEBHOOK_URL', 'REPORT_EMAIL_TO', 'REPORT_LANGUAGE', 'SMTP_SECURE']) expect(details).toContain(name);
  });

  it('reads the SMTP password from a secret file, refuses both ways at once, and names a file it cannot read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-smtp-'));
    try {
      await writeFile(join(dir, 'pw'), ' s3cret\n');
      const c = parseConfig({ SMTP_HOST: 'mail.plant.test', SMTP_USER: 'andon', SMTP_PASSWORD_FILE: join(dir, 'pw') }, []);
      expect(await smtpServerOf(c)).toEqual({ host: 'mail.plant.test', port: 587, secure: false, user: 'andon', password: 's3cret' });
      expect(await smtpServerOf(parseConfig({}, []))).toBeNull();
      expect(() => parseConfig({ SMTP_PASSWORD: 'a', SMTP_PASSWORD_FILE: join(dir, 'pw') }, [])).toThrow(FloorboardError);
      try {
        parseConfig({ SMTP_PASSWORD: 'a', SMTP_PASSWORD_FILE: join(dir, 'pw') }, []);
      } catch (e) {
        expect((e as FloorboardError).details).toEqual(['SMTP_PASSWORD, SMTP_PASSWORD_FILE: set one of them, not both']);
      }
      const missing = smtpServerOf(parseConfig({ SMTP_HOST: 'mail.plant.test', SMTP_PASSWORD_FILE: join(dir, 'nope') }, []));
      await expect(missing).rejects.toMatchObject({ code: 'invalid-config', details: [`SMTP_PASSWORD_FILE: cannot read ${join(dir, 'nope')} (ENOENT)`] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start a service whose plant mails andon calls without an SMTP server', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fb-smtp-'));
    try {
      const plant = JSON.parse(await readFile(FIXTURE_PLANT, 'utf8')) as Record<string, unknown>;
      plant.andon = { email: { from: 'andon@plant.test', levels: [{ level: 1, to: ['maint@plant.test'] }] } };
      await writeFile(join(dir, 'plant.json'), JSON.stringify(plant));
      await expect(startHarness({ plantFile: join(dir, 'plant.json') })).rejects.toMatchObject({ code: 'invalid-config', details: [expect.stringMatching(/^SMTP_HOST: the plant file's andon\.email mails calls through the service's SMTP server/)] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes the service refuse to start with exit code 1 and the problems on stderr', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], { env: { ...process.env, PORT: 'x', OEE_INTERVAL_MS: '5' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/PORT/);
    expect(stderr).toMatch(/OEE_INTERVAL_MS/);
  });
});
