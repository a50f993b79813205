import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { FIXTURE_PLANT, SITE } from '../service-harness.ts';

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
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

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
    expect(section('op-a').sort()).toEqual([`topic read ${lineA}/oee`, `topic read ${lineA}/station/a1/status`, `topic read ${lineA}/station/a2/status`, `topic read ${lineA}/status`, `topic write ${lineA}/station/a1/events`, `topic write ${lineA}/station/a2/events`]);
    expect(section('lead-a')).toContain(`topic write ${lineA}/corrections`);
    expect(section('mgr').every((l) => l.startsWith('topic read '))).toBe(true);
    expect(section('mgr')).toContain(`topic read ${root}/oee`);
    expect(section('mgr-pack').some((l) => l.includes('assembly'))).toBe(false);
    expect(section('gw-a')).toEqual([`topic write ${lineA}/station/a1/signals`]);
    expect(acl).toContain(`pattern read ${root}/_ack/%c`);
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
});
