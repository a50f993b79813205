import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupAccount } from '../../../src/cli/broker-owner.ts';
import { runCli } from '../../../src/cli/main.ts';
import { principalOf } from '../../../src/core/access.ts';
import { indexPlant } from '../../../src/core/plant-index.ts';
import { connectDynsec } from '../../../src/server/broker/dynsec-sessions.ts';
import { loadPlantFile } from '../../../src/server/plant-file.ts';
import { MOSQUITTO_BIN, twoFreePorts, waitForPort } from '../../helpers/mosquitto.ts';
import { FIXTURE_PLANT, SITE } from '../support/service-harness.ts';

const root = `floorboard/v1/${SITE}`;
const lineA = `${root}/assembly/line-a`;

async function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = await runCli(['broker-config', ...args], { out: (t) => (out += t), err: (t) => (err += t), cwd });
  return { code, out, err };
}

describe('floorboard broker-config', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floorboard-bc-'));
    // Enterable by Mosquitto's user, as a checkout under /opt or /srv would be (mkdtemp makes it 0700).
    await chmod(dir, 0o755);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes the central broker of many sites with --central: one bridge account per site that writes only its site, the centre reads all, secrets 0600; refuses --plant with it', async () => {
    const { hashSecret } = await import('../../../src/server/auth/secrets.ts');
    await writeFile(join(dir, 'central.yaml'), `schemaVersion: 1\nname: Acme\nsites:\n  - { id: north, name: Nord }\n  - { id: south, name: Süd, bridgeUser: sued-bridge }\nusers:\n  - { id: boss, name: Boss, role: admin, passwordHash: "${await hashSecret('x-secret')}" }\n`);
    const r = await cli(['--central', 'central.yaml', '--out', 'centre', '--tcp-port', '1999'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('npm run start:central');
    const out = join(dir, 'centre');
    const acl = await readFile(join(out, 'acl'), 'utf8');
    expect(acl).toContain('user floorboard-central\ntopic read floorboard/v1/#');
    expect(acl).toContain('user bridge-north\ntopic write floorboard/v1/north/#');
    expect(acl).toContain('user sued-bridge\ntopic write floorboard/v1/south/#');
    const credentials = JSON.parse(await readFile(join(out, 'credentials.json'), 'utf8')) as Record<string, string>;
    expect(Object.keys(credentials).sort()).toEqual(['bridge-north', 'floorboard-central', 'sued-bridge']);
    const passwords = await readFile(join(out, 'passwords'), 'utf8');
    for (const pw of Object.values(credentials)) expect(passwords).not.toContain(pw);
    for (const f of ['passwords', 'credentials.json', 'service.env']) expect((await stat(join(out, f))).mode & 0o777).toBe(0o600);
    const env = await readFile(join(out, 'service.env'), 'utf8');
    expect(env).toContain('MQTT_URL=mqtt://127.0.0.1:1999');
    expect(env).toContain(`CENTRAL_FILE=${join(dir, 'central.yaml')}`);
    expect(await readFile(join(out, 'mosquitto.conf'), 'utf8')).toContain('persistence true');
    const both = await cli(['--central', 'central.yaml', '--plant', FIXTURE_PLANT, '--out', 'x'], dir);
    expect(both.code).not.toBe(0);
    expect(both.err).toContain('give one of --plant FILE');
    await writeFile(join(dir, 'bad-central.yaml'), 'schemaVersion: 1\nname: Acme\nsites: []\nusers:\n  - { id: m, name: M, role: manager, sites: [nowhere], passwordHash: "x" }\n');
    const bad = await cli(['--central', 'bad-central.yaml', '--out', 'y'], dir);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/sites: .*(line 3)/);
    expect(bad.err).toContain('passwordHash');
  });

  it('writes a site\'s bridge to the central broker with --bridge-to: QoS 1 out, queued, its password from a file into a 0600 mosquitto.conf, and says what is missing', async () => {
    await writeFile(join(dir, 'central.pass'), 'central-secret-1\n', { mode: 0o600 });
    const r = await cli(['--plant', FIXTURE_PLANT, '--out', 'bridged', '--auth', 'acl', '--bridge-to', 'mqtts://central.example.com', '--bridge-user', `site-${SITE}`, '--bridge-password-file', 'central.pass'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).not.toContain('central-secret-1');
    const confPath = join(dir, 'bridged', 'mosquitto.conf');
    const conf = await readFile(confPath, 'utf8');
    for (const line of [`topic ${root}/_site out 1`, `topic ${root}/+/+/oee out 1`, `topic ${root}/+/+/status out 1`, `topic ${root}/oee out 1`, `connection floorboard-central-${SITE}`, 'address central.example.com:8883', 'bridge_capath /etc/ssl/certs', `remote_username site-${SITE}`, 'remote_password central-secret-1', 'cleansession false', 'persistence true', `topic ${root}/+/+/station/+/events out 1`, `topic ${root}/+/+/station/+/signals out 1`, `topic ${root}/+/+/corrections out 1`])
      expect(conf).toContain(line);
    expect((await stat(confPath)).mode & 0o777).toBe(0o600);
    const missing = await cli(['--plant', FIXTURE_PLANT, '--out', 'x', '--bridge-to', 'mqtt://central:1883'], dir);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('--bridge-user: is needed with --bridge-to');
    const bad = await cli(['--plant', FIXTURE_PLANT, '--out', 'x', '--bridge-to', 'http://central', '--bridge-user', 'u'], dir);
    expect(bad.err).toContain('--bridge-to "http://central": must be mqtt://host[:port] or mqtts://host[:port]');
    const noPassword = await cli(['--plant', FIXTURE_PLANT, '--out', 'x', '--bridge-to', 'mqtt://central:1883', '--bridge-user', 'u'], dir);
    expect(noPassword.err).toContain('--bridge-password-file: is required');
  });

  it('writes the acl mode: hashes only, one section per user with the scopes of core/access.ts', async () => {
    const r = await cli(['--plant', FIXTURE_PLANT, '--out', 'acl-out', '--auth', 'acl', '--tcp-port', '18830', '--ws-port', '18831', '--bind', '127.0.0.1'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = join(dir, 'acl-out');
    const conf = await readFile(join(out, 'mosquitto.conf'), 'utf8');
    for (const line of ['per_listener_settings false', 'allow_anonymous false', 'listener 18830 127.0.0.1', 'listener 18831 127.0.0.1', 'protocol websockets', `password_file ${out}/passwords`, `acl_file ${out}/acl`])
      expect(conf).toContain(line);
    const credentials = JSON.parse(await readFile(join(out, 'credentials.json'), 'utf8')) as Record<string, string>;
    const passwords = await readFile(join(out, 'passwords'), 'utf8');
    expect(passwords).toMatch(/^op-a:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]{88}$/m);
    expect(passwords).not.toContain(credentials['op-a']);
    for (const f of ['passwords', 'credentials.json', 'service.env']) expect((await stat(join(out, f))).mode & 0o777).toBe(0o600);
    const acl = await readFile(join(out, 'acl'), 'utf8');
    const section = (user: string) => (acl.split('\n\n').find((s) => s.startsWith(`user ${user}\n`)) ?? '').split('\n').slice(1).filter(Boolean);
    expect(section('op-a').sort()).toEqual([`topic read ${lineA}/andon`, `topic read ${lineA}/andon/calls`, `topic read ${lineA}/oee`, `topic read ${lineA}/report`, `topic read ${lineA}/station/a1/log`, `topic read ${lineA}/station/a1/status`, `topic read ${lineA}/station/a2/log`, `topic read ${lineA}/station/a2/status`, `topic read ${lineA}/status`, `topic write ${lineA}/station/a1/events`, `topic write ${lineA}/station/a2/events`]);
    expect(section('lead-a')).toContain(`topic write ${lineA}/corrections`);
    expect(section('mgr').every((l) => l.startsWith('topic read '))).toBe(true);
    expect(section('mgr')).toContain(`topic read ${root}/oee`);
    expect(section('mgr-pack').some((l) => l.includes('assembly'))).toBe(false);
    expect(section('gw-a')).toEqual([`topic write ${lineA}/station/a1/signals`]);
    expect(acl).toContain(`pattern read ${root}/_ack/%c`);
    // A gateway publishes its own connector health; an admin never a gateway's.
    expect(acl).toContain(`pattern write ${root}/_health/%c`);
    expect(section('admin')).toEqual([`topic deny ${root}/_health/+`, `topic readwrite ${root}/#`]);
  });

  it('writes the dynsec mode: roles per scope, a service client with the admin role, deny by default', async () => {
    const r = await cli(['--plant', FIXTURE_PLANT, '--out', 'ds-out'], dir);
    expect(r.code).toBe(0);
    const out = join(dir, 'ds-out');
    expect(await readFile(join(out, 'mosquitto.conf'), 'utf8')).toContain(`plugin_opt_config_file ${out}/dynamic-security.json`);
    const ds = JSON.parse(await readFile(join(out, 'dynamic-security.json'), 'utf8')) as {
      clients: { username: string; password: string; salt: string; iterations: number; roles: { rolename: string }[] }[];
      roles: { rolename: string; acls: { acltype: string; topic: string }[] }[];
      defaultACLAccess: Record<string, boolean>;
    };
    expect(ds.defaultACLAccess).toEqual({ publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: true });
    expect(ds.clients.map((c) => c.username)).toEqual(['_service']);
    expect(ds.clients[0]!.roles.map((x) => x.rolename).sort()).toEqual(['fb-dynsec-admin', 'fb-service']);
    const role = (name: string) => ds.roles.find((x) => x.rolename === name)?.acls.map((a) => `${a.acltype} ${a.topic}`);
    expect(role('fb-events-a1')).toEqual([`publishClientSend ${lineA}/station/a1/events`]);
    expect(role('fb-line-line-a')).toContain(`subscribeLiteral ${lineA}/status`);
    const env = await readFile(join(out, 'service.env'), 'utf8');
    expect(env).toMatch(/^MQTT_URL=mqtt:\/\/127\.0\.0\.1:1883$/m);
    expect(env).toMatch(/^MQTT_PASSWORD=\S{32}$/m);
  });

  it('as root, names a directory on the way that Mosquitto\'s user cannot enter', async () => {
    const isRoot = process.getuid?.() === 0;
    const closed = await mkdtemp(join(dir, 'closed-'));
    await chmod(closed, 0o700);
    const r = await cli(['--plant', FIXTURE_PLANT, '--out', join(closed, 'broker')], dir);
    expect(r.code).toBe(0);
    expect(r.err).toBe(isRoot ? `warning: user mosquitto cannot enter ${closed} (700), so Mosquitto cannot read its files: choose an --out below directories it can enter (e.g. /etc/floorboard-broker), or allow it (chmod o+x ${closed}).\n` : '');
  });

  it('names every bad argument', async () => {
    const r = await cli(['--plant', FIXTURE_PLANT, '--auth', 'ldap', '--tcp-port', '70000'], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--out: is required (--out DIR)');
    expect(r.err).toContain('--auth "ldap": must be one of dynsec, acl');
    expect(r.err).toContain('--tcp-port "70000": must be 1..65535');
    const same = await cli(['--plant', FIXTURE_PLANT, '--out', 'x', '--tcp-port', '1883', '--ws-port', '1883'], dir);
    expect(same.err).toContain('--ws-port "1883": must differ from --tcp-port');
    const missing = await cli(['--plant', join(dir, 'nope.yaml'), '--out', 'x'], dir);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no such file');
  });

  describe('the documented steps, as root: broker-config, then `mosquitto -c DIR/mosquitto.conf`', () => {
    const parseEnv = (text: string) => Object.fromEntries(text.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    /** Runs the README's two steps in a fresh project directory; Mosquitto as this process's user (root in CI). */
    async function documentedSteps(mode: 'dynsec' | 'acl') {
      const project = await mkdtemp(join(tmpdir(), 'floorboard-readme-'));
      // A checkout others may enter, as /opt or /srv would be (mkdtemp makes it 0700).
      await chmod(project, 0o755);
      const [tcp, ws] = await twoFreePorts();
      const r = await cli(['--plant', FIXTURE_PLANT, '--out', 'broker', '--auth', mode, '--tcp-port', String(tcp), '--ws-port', String(ws), '--bind', '127.0.0.1'], project);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
      let log = '';
      const broker = spawn(MOSQUITTO_BIN, ['-c', 'broker/mosquitto.conf'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
      broker.stdout.on('data', (d: Buffer) => (log += d.toString()));
      broker.stderr.on('data', (d: Buffer) => (log += d.toString()));
      await waitForPort(tcp, broker, () => log, 5000);
      const stop = async () => {
        const exited = new Promise((resolve) => broker.once('exit', resolve));
        broker.kill('SIGTERM');
        await exited;
        await rm(project, { recursive: true, force: true });
      };
      const env = parseEnv(await readFile(join(project, 'broker/service.env'), 'utf8'));
      return { project, tcp, env, log: () => log, stop };
    }
    const signIn = (port: number, username: string, password: string, clientId: string) =>
      new Promise<void>((resolve, reject) => {
        const c = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username, password, clientId, reconnectPeriod: 0, connectTimeout: 5000 });
        c.once('connect', () => (c.end(true), resolve()));
        c.once('error', (e) => (c.end(true), reject(e)));
      });

    it('dynsec: Mosquitto reads and rewrites its files as its own user; the service and a tablet session sign in', async () => {
      const isRoot = process.getuid?.() === 0;
      const run = await documentedSteps('dynsec');
      try {
        if (isRoot) {
          const mosquitto = (await lookupAccount('mosquitto'))!;
          expect((await stat(join(run.project, 'broker/dynamic-security.json'))).uid).toBe(mosquitto.uid);
          // Root's own secret stays root's and private; nobody else may enter the directory.
          const env = await stat(join(run.project, 'broker/service.env'));
          expect([env.uid, env.mode & 0o777]).toEqual([0, 0o600]);
          expect((await stat(join(run.project, 'broker'))).mode & 0o7777).toBe(0o1770);
        }
        const index = indexPlant(await loadPlantFile(FIXTURE_PLANT));
        const dynsec = await connectDynsec({ url: run.env.MQTT_URL!, username: run.env.MQTT_USERNAME!, password: run.env.MQTT_PASSWORD!, clientId: 'svc-readme', index: () => index, now: Date.now, log: () => {} });
        expect(dynsec, run.log()).not.toBeNull();
        const username = await dynsec!.open({ principal: principalOf(index.plant.users.find((u) => u.id === 'op-a')!), deviceId: 'tab-readme', password: 'tablet-session-pw-0123456789', expiresAt: Date.now() + 3600_000 });
        await signIn(run.tcp, username, 'tablet-session-pw-0123456789', 'tab-readme');
        await dynsec!.close();
        // The plugin saved the new client: it could write beside its file.
        const saved = await readFile(join(run.project, 'broker/dynamic-security.json'), 'utf8');
        expect(saved).toContain(username);
        expect(run.log()).not.toMatch(/not readable|Permission denied|Error/i);
      } finally {
        await run.stop();
      }
      expect(run.log()).not.toMatch(/Error saving/);
    });

    it('acl: Mosquitto reads the password and ACL files; a user of the plant signs in, a wrong password is refused', async () => {
      const run = await documentedSteps('acl');
      try {
        const credentials = JSON.parse(await readFile(join(run.project, 'broker/credentials.json'), 'utf8')) as Record<string, string>;
        await signIn(run.tcp, 'op-a', credentials['op-a']!, 'tab-acl');
        await signIn(run.tcp, '_service', run.env.MQTT_PASSWORD!, 'svc-acl');
        await expect(signIn(run.tcp, 'op-a', 'wrong', 'tab-acl-2')).rejects.toThrow(/Not authorized|Bad user name or password/i);
        expect(run.log()).not.toMatch(/not readable|Permission denied|Error/i);
      } finally {
        await run.stop();
      }
    });
  });
});
