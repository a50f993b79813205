import type { DashboardRoute } from './route-hash.ts';

/**
 * Whether this build has an admin area at `#/admin`. Its first screen shows what did not get
 * through (andon deliveries given up, dead letters); users, devices and the plant (issue 13) follow.
 */
export const HAS_ADMIN_AREA = true;

/** Who signed in, as far as their start screen depends on it. */
export interface StartUser {
  role: string;
  lines?: readonly string[] | undefined;
}

/**
 * Where a role lands after signing in (and on `#/dashboard`): a lead on their (first) line, a
 * manager on the board, an admin in the admin area. Null for an operator: the boards are not theirs.
 *
 * @example startRoute({ role: 'lead', lines: ['turn-1'] }, 'mill-1') // { kind: 'line', lineId: 'turn-1', ... }
 */
export function startRoute(user: StartUser, firstVisibleLineId: string | null, hasAdminArea = HAS_ADMIN_AREA): DashboardRoute | null {
  switch (user.role) {
    case 'lead': {
      const lineId = user.lines?.[0] ?? firstVisibleLineId;
      return lineId ? { kind: 'line', lineId, from: null, to: null } : { kind: 'board' };
    }
    case 'admin':
      return hasAdminArea ? { kind: 'admin' } : { kind: 'board' };
    case 'operator':
      return null;
    default:
      return { kind: 'board' };
  }
}
