import { mkdir, mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveTokenSecret } from '../../../src/server/auth/token-secret.ts';
import { METRICS_TOKEN, startHarness, type Harness, fixtureLogin } from '../support/service-harness.ts';

const json = { 'content-type': 'application/json' };

describe('HTTP security and cache headers', () => {
  let h: Harness;
  let bearer: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    const dist = join(h.dataDir, 'no-dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Floorboard</title><script type="module" src="/assets/index-Ab12Cd34.js"></script>');
    await writeFile(join(dist, 'sw.js'), 'self.addEventListener("install", () => {});');
    await writeFile(join(dist, 'assets', 'index-Ab12Cd34.js'), 'console.log(1);');
    await writeFile(join(dist, 'manifest.webmanifest'), '{}');
    const login = async (body: Record<string, string>) => `Bearer ${(await h.login(body)).token}`;
    bearer = {
      opA: await login(fixtureLogin('op-a', 'tab-s1')),
      mgr: await login(fixtureLogin('mgr', 'dash-s1')),
    };
  });
  afterAll(async () => h?.close());

  it('puts a strict CSP and nosniff on every kind of response', async () => {
    const responses = [
      await h.http('/'),
      await h.http('/dashboard/line-a'),
      await h.http('/sw.js'),
      await h.http('/assets/index-Ab12Cd34.js'),
      await h.http('/api/plant'),
      await h.http('/api/nothing'),
      await h.http('/api/login', { method: 'POST', headers: json, body: '{' }),
      await h.http('/healthz'),
    ];
    for (const res of responses) {
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, res.url).toMatch(/default-src 'self'/);
      expect(csp, res.url).toMatch(/script-src 'self'(;|$)/);
      expect(csp, res.url).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
    }
  });

  it('serves /metrics to the METRICS_TOKEN scraper and admins only; /healthz stays open', async () => {
    const metrics = (authorization: string) => h.http('/metrics', { headers: { authorization } });
    const scraped = await h.http('/metrics'); // the harness sends METRICS_TOKEN
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/floorboard_events_ingested_total/);
    expect((await metrics('')).status).toBe(401);
    expect((await metrics('Bearer not-the-token-and-not-a-jwt')).status).toBe(401);
    expect((await metrics(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    expect((await metrics(bearer.mgr!)).status).toBe(403);
    const admin = (await h.login(fixtureLogin('admin', 'adm-s'))).token;
    expect((await metrics(`Bearer ${admin}`)).status).toBe(200);
    expect((await h.http('/healthz')).status).toBe(200);
  });

  it('never lets the API (tokens, roster hashes) be cached, and lets a new service worker through at once', async () => {
    const login = await h.http('/api/login', { method: 'POST', headers: json, body: JSON.stringify(fixtureLogin('op-a', 'tab-s2')) });
    expect(login.status).toBe(200);
    expect(login.headers.get('cache-control')).toBe('no-store');
    const roster = await h.http('/api/roster?stations=a1', { headers: { authorization: bearer.opA! } });
    expect(roster.status).toBe(200);
    expect(roster.headers.get('cache-control')).toBe('no-store');
    expect((await h.http('/api/plant')).headers.get('cache-control')).toBe('no-store');
    expect((await h.http('/metrics')).headers.get('cache-control')).toBe('no-store');
    expect((await h.http('/sw.js')).headers.get('cache-control')).toBe('no-cache');
    expect((await h.http('/')).headers.get('cache-control')).toBe('no-cache');
    expect((await h.http('/dashboard/line-a')).headers.get('cache-control')).toBe('no-cache');
    expect((await h.http('/manifest.webmanifest')).headers.get('cache-control')).toBe('no-cache');
    expect((await h.http('/assets/index-Ab12Cd34.js')).headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('answers 401 without or with a bad token, 403 out of scope, 400 with the offending field', async () => {
    expect((await h.http('/api/roster?stations=a1')).status).toBe(401);
    expect((await h.http('/api/roster?stations=a1', { headers: { authorization: 'Bearer x.y.z' } })).status).toBe(401);
    // A token signed with alg "none" is not a token.
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'admin', role: 'admin', exp: 9e9 })).toString('base64url')}.`;
    expect((await h.http('/api/plant', { headers: { authorization: `Bearer ${none}` } })).status).toBe(401);
    expect((await h.http('/api/roster?stations=b1', { headers: { authorization: bearer.opA! } })).status).toBe(403);
    expect((await h.http('/api/roster?stations=a1', { headers: { authorization: bearer.mgr! } })).status).toBe(403);
    const bad = await h.http('/api/roster?stations=A!', { headers: { authorization: bearer.opA! } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: string[] } }).error.details.join('\n')).toMatch(/^stations\.0: /m);
  });
});

describe('token secret file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'floorboard-secret-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('creates the key readable by the owner only', async () => {
    const secret = await resolveTokenSecret(undefined, join(dir, 'new'));
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect((await stat(join(dir, 'new', 'secret'))).mode & 0o777).toBe(0o600);
  });

  it('narrows a kept key that others could read back to 0600, and keeps using it', async () => {
    const file = join(dir, 'secret');
    await writeFile(file, `${'k'.repeat(43)}\n`);
    await chmod(file, 0o644);
    expect(await resolveTokenSecret(undefined, dir)).toBe('k'.repeat(43));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe('k'.repeat(43));
  });
});
