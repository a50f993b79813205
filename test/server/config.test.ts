import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FloorboardError } from '../../src/core/index.ts';
import { parseConfig } from '../../src/server/config.ts';

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
