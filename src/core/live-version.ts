// Without zod: the tablet's first screen imports it before the schemas load.
/**
 * Whether a live message may replace the one a screen holds: a late publish of an earlier leader
 * (a lower version) never replaces a later one. Messages without a version (a single service) always may.
 * @example isNewerLive({ version: 5 }, { version: 4 }); // false
 */
export function isNewerLive(current: { version?: number | undefined } | null | undefined, next: { version?: number | undefined }): boolean {
  return current?.version === undefined || next.version === undefined || next.version >= current.version;
}
