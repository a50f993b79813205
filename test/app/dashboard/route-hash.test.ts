import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type DashboardRoute } from '../../../src/app/dashboard/services/route-hash.ts';

describe('dashboard routes', () => {
  it.each<[string, DashboardRoute | null]>([
    ['#/board', { kind: 'board' }],
    ['#/tv', { kind: 'tv' }],
    ['#/trends', { kind: 'trends' }],
    ['#/admin', { kind: 'admin' }],
    ['#/dashboard', { kind: 'home' }],
    ['#/line/line-a', { kind: 'line', lineId: 'line-a', from: null, to: null }],
    ['#/line/line-a?from=10&to=20', { kind: 'line', lineId: 'line-a', from: 10, to: 20 }],
    ['#/report/line-a?from=10&to=20', { kind: 'report', lineId: 'line-a', from: 10, to: 20, isStored: false }],
    ['#/report/line-a?from=10&to=20&stored=1', { kind: 'report', lineId: 'line-a', from: 10, to: 20, isStored: true }],
    // The tablet's own screens and anything malformed are not dashboard routes.
    ['', null],
    ['#/', null],
    ['#/report/line-a', null],
    ['#/line', null],
    ['#/board/extra', null],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    if (route) expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('ignores a window that is not whole milliseconds', () => {
    expect(parseRoute('#/line/x?from=abc&to=1')).toEqual({ kind: 'line', lineId: 'x', from: null, to: 1 });
  });
});
