import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_PLANT, fixtureLogin, loginAll, nextMessage, startHarness, subscribe, type Harness } from '../support/service-harness.ts';

describe('plant configuration as data: admins change users and the plant without a restart, every change a version', () => {
  let h: Harness;
  afterEach(async () => h?.close());

  const call = async (path: string, auth: { authorization: string }, method = 'GET', body?: unknown) => {
    const res = await h.http(path, { method, headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('an operator added by an admin signs in at once; disabled, their broker connection ends within a second and token and PIN stop working', async () => {
    h = await startHarness();
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1'), lead: fixtureLogin('lead-a', 'lead-1') });
    // The lead may not: least privilege at the API.
    expect((await call('/api/admin/users', auth.lead)).status).toBe(403);

    const added = await call('/api/admin/users', auth.admin, 'POST', { user: { id: 'op-new', name: 'Anna Weber', role: 'operator', badge: '4711', pin: '9876', stations: ['a1'] }, reason: 'new hire, early shift' });
    expect(added).toMatchObject({ status: 200, body: { version: 2, isApplied: true, diff: ['users[op-new]: added (Anna Weber, operator)'] } });
    const login = await h.login({ kind: 'badge', badge: '4711', pin: '9876', deviceId: 'tab-new', stationId: 'a1' });
    expect(login.user.id).toBe('op-new');
    // The same badge twice is refused with the field named, and nothing is stored.
    const twice = await call('/api/admin/users', auth.admin, 'POST', { user: { id: 'op-dup', name: 'Dup', role: 'operator', badge: '4711', pin: '1111', stations: ['a1'] }, reason: 'typo' });
    expect(twice.status).toBe(422);
    expect(twice.body).toMatchObject({ error: { code: 'invalid-plant', details: [expect.stringMatching(/^users\.\d+\.badge: duplicate badge "4711"$/)] } });

    const client = await h.connect('op-new', login.token, 'tab-new');
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));
    const t0 = Date.now();
    const disabled = await call('/api/admin/users/op-new/disabled', auth.admin, 'POST', { isDisabled: true, reason: 'left the company' });
    expect(disabled).toMatchObject({ status: 200, body: { version: 3, diff: ['users[op-new].disabled: added true'] } });
    expect((await closed) - t0).toBeLessThan(1000);
    expect((await h.http('/api/plant', { headers: { authorization: `Bearer ${login.token}` } })).status).toBe(401);
    await expect(h.login({ kind: 'badge', badge: '4711', pin: '9876', deviceId: 'tab-new', stationId: 'a1' })).rejects.toThrow(/401/);
    // The roster the tablets cache for offline sign-in no longer holds them.
    const roster = await call('/api/roster?stations=a1', auth.lead);
    expect(JSON.stringify(roster.body)).not.toContain('op-new');

    const versions = await call('/api/admin/plant/versions', auth.admin);
    expect((versions.body.versions as { version: number; author: string; reason: string }[]).map((v) => [v.version, v.author, v.reason])).toEqual([
      [3, 'admin', 'left the company'],
      [2, 'admin', 'new hire, early shift'],
      [1, 'plant-file', 'first start: taken from test.plant.json'],
    ]);
  });

  it('a new PIN works at once and the old one no longer; the diff says the PIN changed without showing it', async () => {
    h = await startHarness();
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1') });
    const tooShort = await call('/api/admin/users/op-a/secret', auth.admin, 'POST', { secret: '12', reason: 'forgot it' });
    expect(tooShort).toMatchObject({ status: 400, body: { error: { details: ['secret: must be 4 to 12 digits'] } } });
    const set = await call('/api/admin/users/op-a/secret', auth.admin, 'POST', { secret: '5555', reason: 'forgot it' });
    expect(set).toMatchObject({ status: 200, body: { diff: ['users[op-a].pinHash: changed'] } });
    await expect(h.login(fixtureLogin('op-a', 'tab-1'))).rejects.toThrow(/401/);
    expect((await h.login({ kind: 'badge', badge: '1001', pin: '5555', deviceId: 'tab-1' })).user.id).toBe('op-a');
  });

  it('the plant is applied whole: invalid ones list every problem by field, a stale base version is refused, a new ideal cycle time reaches live status with its version', async () => {
    h = await startHarness();
    const { auth, tokens } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1'), lead: fixtureLogin('lead-a', 'lead-1') });
    const current = await call('/api/admin/plant', auth.admin);
    const plant = current.body.plant as { areas: { lines: { id: string; products: { idealCycleTimeSec: number }[] }[] }[]; products: unknown[] };
    expect(current.body.version).toBe(1);

    const broken = structuredClone(plant);
    broken.areas[0]!.lines[0]!.products[0]!.idealCycleTimeSec = -1;
    broken.products = [];
    const preview = await call('/api/admin/plant/preview', auth.admin, 'POST', { plant: broken });
    expect(preview.body.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^products: /), expect.stringMatching(/^areas\.0\.lines\.0\.products\.0\.idealCycleTimeSec: /)]));
    expect((await call('/api/admin/plant', auth.admin, 'PUT', { plant: broken, reason: 'x' })).status).toBe(422);

    const faster = structuredClone(plant);
    faster.areas[0]!.lines[0]!.products[0]!.idealCycleTimeSec = 1.5;
    // The diff also says what the effective time keeps: the old time for the counts before it.
    const effectiveFrom = Date.now() - 3600_000;
    expect((await call('/api/admin/plant/preview', auth.admin, 'POST', { plant: faster, effectiveFrom })).body).toMatchObject({
      baseVersion: 1,
      diff: [
        'areas[assembly].lines[line-a].products[widget].idealCycleTimeSec: 2 → 1.5',
        `areas[assembly].lines[line-a].products[widget].idealCycleTimeBefore: added [{"until":"${new Date(effectiveFrom).toISOString()}","idealCycleTimeSec":2}]`,
      ],
      problems: [],
    });

    const board = await h.connect('lead-a', tokens.lead, 'lead-1');
    const status = 'floorboard/v1/test-site/assembly/line-a/status';
    expect(await subscribe(board, status)).toBe(1);
    const announced = nextMessage<{ configVersion?: number }>(board, status, 5000, (s) => s.configVersion === 2);
    expect((await call('/api/admin/plant', auth.admin, 'PUT', { plant: faster, reason: 'new tooling', baseVersion: 1 })).body).toMatchObject({ version: 2, isApplied: true });
    expect((await announced).configVersion).toBe(2);
    // A second admin who edited version 1 is told to reload instead of undoing the first one's change.
    const stale = await call('/api/admin/plant', auth.admin, 'PUT', { plant, reason: 'my edit', baseVersion: 1 });
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    // The same plant again stores nothing.
    expect((await call('/api/admin/plant', auth.admin, 'PUT', { plant: faster, reason: 'again' })).body).toMatchObject({ version: 2, isApplied: false });
  });

  it('versions outlive a restart; a plant file changed on disk is applied once as a new version, on top of what admins changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'floorboard-plantfile-'));
    const file = join(dir, 'plant.json');
    await copyFile(FIXTURE_PLANT, file);
    h = await startHarness({ plantFile: file });
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1') });
    await call('/api/admin/users', auth.admin, 'POST', { user: { id: 'lead-new', name: 'Lena', role: 'lead', password: 'a-long-password', lines: ['line-a'] }, reason: 'new lead' });
    await h.restart();
    const again = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1') });
    expect(((await call('/api/admin/users', again.auth.admin)).body.users as { id: string }[]).map((u) => u.id)).toContain('lead-new');
    expect(await h.login({ kind: 'password', userId: 'lead-new', password: 'a-long-password', deviceId: 'l2' })).toMatchObject({ user: { id: 'lead-new' } });

    // Configuration as code: the file's new text becomes the next version (and wins over the app's edit, which the diff shows).
    const edited = JSON.parse(await readFile(file, 'utf8')) as { site: { name: string } };
    edited.site.name = 'Test site, renamed in the file';
    await writeFile(file, JSON.stringify(edited));
    await h.restart();
    const third = await loginAll(h, { admin: fixtureLogin('admin', 'adm-1') });
    const versions = (await call('/api/admin/plant/versions', third.auth.admin)).body.versions as { version: number; author: string; reason: string; diff: string[] }[];
    expect(versions[0]).toMatchObject({ version: 3, author: 'plant-file', reason: 'plant.json changed on disk' });
    expect(versions[0]!.diff).toEqual(expect.arrayContaining(['site.name: "Test site" → "Test site, renamed in the file"', 'users[lead-new]: removed (Lena, lead)']));
    await h.restart();
    expect(((await call('/api/admin/plant/versions', (await loginAll(h, { admin: fixtureLogin('admin', 'adm-1') })).auth.admin)).body.versions as unknown[]).length).toBe(3);
    await rm(dir, { recursive: true, force: true });
  });

  it('rate-limits an admin\'s changes: the 61st within a minute is refused with when to try again; reads go on', async () => {
    h = await startHarness();
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-rate') });
    const plant = ((await (await h.http('/api/admin/plant', { headers: auth.admin })).json()) as { plant: unknown }).plant;
    const preview = () => h.http('/api/admin/plant/preview', { method: 'POST', headers: { ...auth.admin, 'content-type': 'application/json' }, body: JSON.stringify({ plant }) });
    for (let i = 0; i < 60; i++) expect((await preview()).status).toBe(200);
    const refused = await preview();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await h.http('/api/admin/users', { headers: auth.admin })).status).toBe(200);
  });

  it('edits a person: scope and name apply at the next sign-in; a role that signs in another way takes its new secret in the same change', async () => {
    h = await startHarness();
    const { auth } = await loginAll(h, { admin: fixtureLogin('admin', 'adm-edit') });
    const edit = (id: string, body: unknown) => call(`/api/admin/users/${id}`, auth.admin, 'POST', body);
    expect((await edit('op-a', { stations: ['a1'], name: 'Olga Arslan', reason: 'a2 has its own operator now' })).body).toMatchObject({ diff: ['users[op-a].name: "Olga A" → "Olga Arslan"', 'users[op-a].stations: ["a1","a2"] → ["a1"]'] });
    await expect(h.login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-e', stationId: 'a2' })).rejects.toThrow(/403/);
    expect((await h.login({ kind: 'badge', badge: '1001', pin: '1234', deviceId: 'tab-e', stationId: 'a1' })).user).toMatchObject({ id: 'op-a' });

    expect((await edit('lead-a', { role: 'manager', areas: ['assembly'], reason: 'promoted' })).status).toBe(200);
    const lead = await h.login({ kind: 'password', userId: 'lead-a', password: 'lead-pass', deviceId: 'l-e' });
    expect(lead.user).toMatchObject({ id: 'lead-a', role: 'manager', areas: ['assembly'] });

    // An operator who becomes a lead signs in with a password from then on: without one the change is refused.
    const refused = await edit('op-b', { role: 'lead', lines: ['line-a'], reason: 'x' });
    expect(refused).toMatchObject({ status: 400, body: { error: { details: [expect.stringContaining('give the new password in the same change')] } } });
    expect(await edit('op-b', { role: 'lead', lines: ['line-a'], secret: 'short', reason: 'x' })).toMatchObject({ status: 400, body: { error: { details: [expect.stringMatching(/^secret: /)] } } });
    const promoted = await edit('op-b', { role: 'lead', lines: ['line-a'], secret: 'otto-leads-now', reason: 'leads line A' });
    expect(promoted.status).toBe(200);
    expect(JSON.stringify(promoted.body)).not.toContain('otto-leads-now');
    expect((await h.login({ kind: 'password', userId: 'op-b', password: 'otto-leads-now', deviceId: 'l-o' })).user).toMatchObject({ id: 'op-b', role: 'lead', lines: ['line-a'] });
    await expect(h.login({ kind: 'badge', badge: '1002', pin: '2345', deviceId: 'tab-o', stationId: 'b1' })).rejects.toThrow(/401/);
    // And back: a lead who becomes an operator needs a badge, stations and a PIN.
    expect((await edit('op-b', { role: 'operator', badge: '1002', stations: ['b1'], secret: '8642', reason: 'back on the line' })).status).toBe(200);
    expect((await h.login({ kind: 'badge', badge: '1002', pin: '8642', deviceId: 'tab-o', stationId: 'b1' })).user).toMatchObject({ id: 'op-b', role: 'operator' });
    await expect(h.login({ kind: 'password', userId: 'op-b', password: 'otto-leads-now', deviceId: 'l-o' })).rejects.toThrow(/401/);
    // A scope the plant does not have is refused with its field.
    const unknown = await edit('op-b', { stations: ['zz'], reason: 'x' });
    expect(unknown).toMatchObject({ status: 422, body: { error: { details: [expect.stringMatching(/^users\.\d+\.stations\.0: unknown station "zz"/)] } } });
  });
});
