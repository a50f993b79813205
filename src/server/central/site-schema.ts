import { createHash } from 'node:crypto';

/** PostgreSQL's longest identifier, in bytes (site ids are ASCII). */
const MAX_IDENTIFIER = 63;

/**
 * The PostgreSQL schema that holds one site's events at the centre: `site_<id>`. A site id may be
 * 64 characters and an identifier only 63, so a long id is `sitex_` with its first 40 characters
 * and a digest of the whole id. The fifth character tells the two forms apart (`_` or `x`), so a
 * short id can never take a long one's schema.
 */
export function siteSchema(site: string): string {
  const plain = `site_${site}`;
  if (plain.length <= MAX_IDENTIFIER) return plain;
  return `sitex_${site.slice(0, 40)}_${createHash('sha256').update(site).digest('hex').slice(0, 16)}`;
}
