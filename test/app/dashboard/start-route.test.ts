import { describe, expect, it } from 'vitest';
import { startRoute } from '../../../src/app/dashboard/services/start-route.ts';

describe('where each role lands after signing in', () => {
  it('a lead lands on their own line, not the first line of the plant', () => {
    expect(startRoute({ role: 'lead', lines: ['line-b', 'line-a'] }, 'line-a')).toEqual({ kind: 'line', lineId: 'line-b', from: null, to: null });
  });

  it('a lead without lines of their own lands on the first line they may see', () => {
    expect(startRoute({ role: 'lead' }, 'line-c')).toEqual({ kind: 'line', lineId: 'line-c', from: null, to: null });
    expect(startRoute({ role: 'lead', lines: [] }, null)).toEqual({ kind: 'board' });
  });

  it('a manager lands on the board', () => {
    expect(startRoute({ role: 'manager' }, 'line-a')).toEqual({ kind: 'board' });
  });

  it('an admin lands in the admin area (a build without one: on the board)', () => {
    expect(startRoute({ role: 'admin' }, 'line-a')).toEqual({ kind: 'admin' });
    expect(startRoute({ role: 'admin' }, 'line-a', true)).toEqual({ kind: 'admin' });
    expect(startRoute({ role: 'admin' }, 'line-a', false)).toEqual({ kind: 'board' });
  });

  it('an operator has no dashboard start', () => {
    expect(startRoute({ role: 'operator' }, 'line-a')).toBeNull();
  });
});
