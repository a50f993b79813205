import { describe, expect, it } from 'vitest';
import { errorOfResponse, httpStatusOf } from '../../../src/core/contracts/http-errors.ts';

describe('one map between error codes and HTTP statuses', () => {
  it("takes the service's own code and message from its error body", () => {
    const e = errorOfResponse('/api/auth/login', 429, { error: { code: 'slowed-down', message: 'too many attempts: wait 4 s' } });
    expect([e.code, e.message]).toEqual(['slowed-down', 'too many attempts: wait 4 s']);
  });

  it("reads a status back to the code the service answers with it when the body names none (a proxy's page)", () => {
    expect(errorOfResponse('/api/stops', 401, '<html>').code).toBe('unauthorized');
    expect(errorOfResponse('/api/stops', 403, null).code).toBe('forbidden');
    expect(errorOfResponse('/api/stops', 404, null).code).toBe('not-found');
    expect(errorOfResponse('/api/stops', 400, null).code).toBe('invalid-arguments');
    expect(errorOfResponse('/api/auth/login', 423, null).code).toBe('locked-out');
    expect(errorOfResponse('/api/stops', 500, null)).toMatchObject({ code: 'internal', message: '/api/stops answered 500' });
  });

  it('keeps an unknown code out of the closed set', () => {
    expect(errorOfResponse('/api/oee', 403, { error: { code: 'teapot', message: 'no' } })).toMatchObject({ code: 'forbidden', message: 'no' });
  });

  it('maps every status the service sends for a code back to a code of that status', () => {
    for (const status of new Set(Object.values(httpStatusOf))) expect(httpStatusOf[errorOfResponse('/x', status, null).code]).toBe(status);
  });
});
