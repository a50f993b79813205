/**
 * A readable diff between two plant configurations: what an admin reads before applying a new
 * version, what the version history shows, and what `floorboard plant apply` prints. One function,
 * so the app, the API and the CLI cannot describe the same change differently.
 *
 * Lines look like:
 *   areas[assembly].lines[line-a].products[widget].idealCycleTimeSec: 30 → 28
 *   users[op-7]: added (Anna Weber, operator)
 *   users[op-2].pinHash: changed
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Fields that hold secrets: a diff says they changed, never what they hold. */
const SECRET_FIELDS = new Set(['pinHash', 'passwordHash']);

/** The key an array item is matched by across versions, so a reordered list is not a change. */
function keyOf(item: Json): string | null {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return null;
  for (const field of ['id', 'productId'] as const) {
    const v = item[field];
    if (typeof v === 'string') return v;
  }
  return null;
}

function show(value: Json): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return JSON.stringify(value) ?? 'null';
}

/** "(Anna Weber, operator)": what names an added or removed item in one glance. */
function label(item: Json): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return show(item);
  const parts = [item.name, item.role].filter((v): v is string => typeof v === 'string');
  return parts.length ? `(${parts.join(', ')})` : '';
}

function diffArrays(path: string, a: Json[], b: Json[], out: string[]): void {
  const keyed = a.every((x) => keyOf(x) !== null) && b.every((x) => keyOf(x) !== null);
  if (!keyed) {
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${show(a)} → ${show(b)}`);
    return;
  }
  const before = new Map(a.map((x) => [keyOf(x)!, x]));
  const after = new Map(b.map((x) => [keyOf(x)!, x]));
  for (const [key, x] of before) if (!after.has(key)) out.push(`${path}[${key}]: removed ${label(x)}`.trimEnd());
  for (const [key, y] of after) {
    const x = before.get(key);
    if (x === undefined) out.push(`${path}[${key}]: added ${label(y)}`.trimEnd());
    else diffValues(`${path}[${key}]`, x, y, out);
  }
}

function diffValues(path: string, a: Json | undefined, b: Json | undefined, out: string[]): void {
  if (a === undefined && b === undefined) return;
  const field = path.slice(path.lastIndexOf('.') + 1);
  if (SECRET_FIELDS.has(field)) {
    if (a !== b) out.push(`${path}: ${a === undefined ? 'set' : b === undefined ? 'removed' : 'changed'}`);
    return;
  }
  if (a === undefined) return void out.push(`${path}: added ${show(b!)}`);
  if (b === undefined) return void out.push(`${path}: removed (was ${show(a)})`);
  if (Array.isArray(a) && Array.isArray(b)) return diffArrays(path, a, b, out);
  const isObject = (v: Json) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(a) && isObject(b)) {
    const ao = a as Record<string, Json>;
    const bo = b as Record<string, Json>;
    for (const key of new Set([...Object.keys(ao), ...Object.keys(bo)])) diffValues(path ? `${path}.${key}` : key, ao[key], bo[key], out);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: ${show(a)} → ${show(b)}`);
}

/**
 * Every difference from `before` to `after`, one line each, in document order; empty when they
 * say the same. Secrets are named, never shown.
 *
 * @example plantDiff(current, edited) // ['users[op-7]: added (Anna Weber, operator)']
 */
export function plantDiff(before: unknown, after: unknown): string[] {
  const out: string[] = [];
  // Through JSON: what is stored and compared is the plant as it is written, without undefined keys.
  diffValues('', JSON.parse(JSON.stringify(before ?? null)) as Json, JSON.parse(JSON.stringify(after ?? null)) as Json, out);
  return out;
}
