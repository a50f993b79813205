import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAll, publish, startHarness, topicA1, type Harness, fixtureLogin } from '../support/service-harness.ts';
import { deadLettersPageSchema } from '../../../src/core/contracts/dead-letters.ts';


describe('GET /api/dead-letters: admin only, paged, filtered, payloads as data', () => {
  let h: Harness;
  const auth: Record<string, { authorization: string }> = {};
  const get = (path: string, who?: string) => h.http(path, who ? { headers: auth[who] } : {});
  const T = Date.UTC(2026, 0, 5, 8);
  const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';

  beforeAll(async () => {
    h = await startHarness();
    const signedIn = await loginAll(h, {
      admin: fixtureLogin('admin', 'adm-dl'),
      mgr: fixtureLogin('mgr', 'mgr-dl'),
      lead: fixtureLogin('lead-a', 'lead-dl'),
      op: fixtureLogin('op-a', 'tab-dl'),
      gw: fixtureLogin('gw-a', 'gw-dl'),
    });
    const tokens = signedIn.tokens;
    Object.assign(auth, signedIn.auth);
    // A real refusal through ingest: broken JSON carrying markup, from a signed-in tablet.
    const op = await h.connect('op-a', tokens.op, 'tab-dl');
    await publish(op, topicA1, `{"events": ${hostile}`);
    for (let i = 0; i < 100 && (await h.service.storage.listDeadLetters(1)).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    // Known receipt times for the window and paging checks: 7 letters, an hour apart, two devices.
    for (let i = 0; i < 7; i++) {
      await h.service.storage.insertDeadLetter({
        receivedAt: T + i * 3600_000,
        topic: topicA1,
        deviceId: i % 2 ? 'tab-odd' : 'tab-even',
        code: i < 4 ? 'bad-shape' : 'unknown-line',
        message: `letter ${i}`,
        payload: `{"n":${i}}`,
      });
    }
  });
  afterAll(async () => h?.close());

  it('refuses callers without a token (401) and every role but admin (403)', async () => {
    expect((await get('/api/dead-letters')).status).toBe(401);
    expect((await h.http('/api/dead-letters', { headers: { authorization: 'Bearer forged.token.value' } })).status).toBe(401);
    for (const who of ['mgr', 'lead', 'op', 'gw']) {
      const res = await get('/api/dead-letters', who);
      expect(res.status, who).toBe(403);
      expect(JSON.stringify(await res.json())).not.toContain('letter 1');
    }
    expect((await get('/api/dead-letters', 'admin')).status).toBe(200);
  });

  it('returns a hostile payload as a JSON string field, never as markup', async () => {
    const res = await get('/api/dead-letters?code=bad-json', 'admin');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = deadLettersPageSchema.parse(await res.json());
    expect(page.deadLetters).toHaveLength(1);
    expect(page.deadLetters[0]).toMatchObject({ code: 'bad-json', topic: topicA1, payload: `{"events": ${hostile}`, isTruncated: false });
  });

  it('filters by code, device and [from, to) and pages newest first with nextCursor', async () => {
    const ids = async (query: string) => deadLettersPageSchema.parse(await (await get(`/api/dead-letters?${query}`, 'admin')).json()).deadLetters.map((l) => l.message);
    expect(await ids('code=bad-shape')).toEqual(['letter 3', 'letter 2', 'letter 1', 'letter 0']);
    expect(await ids('code=bad-shape,unknown-line&device=tab-odd')).toEqual(['letter 5', 'letter 3', 'letter 1']);
    expect(await ids(`from=${T + 2 * 3600_000}&to=${new Date(T + 5 * 3600_000).toISOString()}`)).toEqual(['letter 4', 'letter 3', 'letter 2']);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/dead-letters?code=bad-shape,unknown-line&limit=3${cursor ? `&cursor=${cursor}` : ''}`, 'admin');
      const page = deadLettersPageSchema.parse(await res.json());
      seen.push(...page.deadLetters.map((l) => l.message));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(['letter 6', 'letter 5', 'letter 4', 'letter 3', 'letter 2', 'letter 1', 'letter 0']);
  });

  it('answers a bad query with 400 naming each problem', async () => {
    const problems = async (query: string) => {
      const res = await get(`/api/dead-letters?${query}`, 'admin');
      expect(res.status, query).toBe(400);
      return ((await res.json()) as { error: { code: string; details: string[] } }).error;
    };
    expect((await problems('code=nope')).details.join()).toMatch(/^code.0: must be reject codes, comma-separated: bad-json, /);
    expect((await problems('limit=501')).details).toEqual(['limit: must be at most 500']);
    expect((await problems('limit=0')).details).toEqual(['limit: must be at least 1']);
    expect((await problems('limit=ten')).details).toEqual(['limit: must be a whole number']);
    expect((await problems('cursor=-4')).details).toEqual(['cursor: must be the nextCursor of the previous page']);
    expect((await problems('from=yesterday')).details).toEqual(['from: "yesterday" is not ms since epoch or an ISO 8601 date-time']);
    expect((await problems(`from=${T}&to=${T}`)).details).toEqual(['to: must be after "from"']);
    const unknown = await problems('sort=asc');
    expect(unknown.code).toBe('invalid-arguments');
    expect(unknown.details.join()).toContain('sort');
  });
});
