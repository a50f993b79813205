import type { Plant } from '../../core/index.ts';

/**
 * Users whose sessions a new plant version ends: removed, disabled, or changed in anything a
 * session was granted on (role, scope, secret). Added users and unchanged ones keep theirs.
 */
export function changedUsers(before: Plant, after: Plant): Set<string> {
  const next = new Map(after.users.map((u) => [u.id, u]));
  const out = new Set<string>();
  for (const u of before.users) {
    const now = next.get(u.id);
    if (!now || now.disabled || JSON.stringify(now) !== JSON.stringify(u)) out.add(u.id);
  }
  return out;
}
