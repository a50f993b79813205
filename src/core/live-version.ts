// Without zod: the tablet's first screen imports it before the schemas load.
/**
 * Whether a live message may replace the one a screen holds: a late publish of an earlier leader
 * (a lower version) never replaces a later one. Messages without a version (a single service) always may.
 * @example isNewerLive({ version: 5 }, { version: 4 }); // false
 */
export function isNewerLive(current: { version?: number | undefined } | null | undefined, next: { version?: number | undefined }): boolean {
  return current?.version === undefined || next.version === undefined || next.version >= current.version;
}

/**
 * Whether a station's log may replace the one a tablet holds. Between two publishes of cluster
 * leaders, the version decides: their hosts' clocks may differ, so a later leader's log can carry
 * an earlier `at`. Otherwise (a single service, or a log fetched over HTTP, which has no version)
 * the time it was folded decides. `highestVersion`: the highest version this tablet has taken for
 * the station, so a late publish of an earlier leader is refused even after a fetched log.
 * @example isNewerLog({ version: 9, at: 500 }, { version: 12, at: 400 }); // true: a later leader, its clock behind
 */
export function isNewerLog(current: { version?: number | undefined; at: number } | null | undefined, next: { version?: number | undefined; at: number }, highestVersion = -Infinity): boolean {
  if (next.version !== undefined && next.version < highestVersion) return false;
  if (current?.version !== undefined && next.version !== undefined) return next.version >= current.version;
  return next.at >= (current?.at ?? -Infinity);
}
