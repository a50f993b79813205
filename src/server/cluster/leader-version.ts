/**
 * A retained payload as a cluster's leader publishes it: with its next version (ADR 0017,
 * `core/leader-version.schema.ts`); as it is from a single service, which has no version.
 */
export function withLeaderVersion<T extends object>(value: T, version: (() => number) | undefined): T & { version?: number } {
  return version ? { ...value, version: version() } : value;
}
