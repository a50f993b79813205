import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { FloorboardError } from '../../../src/core/errors.ts';
import { createLogin } from '../../../src/server/auth/login.ts';
import { LoginGuard } from '../../../src/server/auth/login-guard.ts';
import type { TokenService } from '../../../src/server/auth/tokens.ts';
import { renderError } from '../../../src/server/http/http-errors.ts';

describe('a refused login is a FloorboardError whose data says until when', () => {
  const guard = new LoginGuard({ freeFailures: 1, baseDelayMs: 1000, maxDelayMs: 1000, lockoutFailures: 3, lockoutMs: 60_000 });
  let now = 1_000_000;
  const login = createLogin({ users: () => [], tokens: {} as TokenService, guard, now: () => now, mqttPath: '/mqtt' });
  const attempt = () => login({ kind: 'password', userId: 'nobody', password: 'wrong', deviceId: 'dev-1' });

  it('slowed down, then locked out, each until a time on the service clock', async () => {
    await expect(attempt()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(attempt()).rejects.toMatchObject({ code: 'slowed-down', data: { until: now + 1000 } });
    now += 1000;
    await expect(attempt()).rejects.toMatchObject({ code: 'unauthorized' });
    now += 1000;
    await expect(attempt()).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(attempt()).rejects.toMatchObject({ code: 'locked-out', data: { until: now + 60_000 } });
  });

  it('the HTTP answer turns the end into retryAfterMs and Retry-After, from the same clock', async () => {
    const app = new Hono();
    app.onError((error, c) => renderError(c, error, () => 10_000));
    app.get('/slow', () => {
      throw new FloorboardError('slowed-down', 'wait', { data: { until: 12_500 } });
    });
    app.get('/locked', () => {
      throw new FloorboardError('locked-out', 'locked', { data: { until: 70_000 } });
    });
    const slow = await app.request('/slow');
    expect([slow.status, slow.headers.get('retry-after'), await slow.json()]).toEqual([429, '3', { error: { code: 'slowed-down', message: 'wait', retryAfterMs: 2500 } }]);
    const locked = await app.request('/locked');
    expect([locked.status, locked.headers.get('retry-after')]).toEqual([423, '60']);
  });
});
