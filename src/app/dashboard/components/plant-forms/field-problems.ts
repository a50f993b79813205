/**
 * The service's problems with a plant ("areas.0.lines.1.id: duplicate line id …", from
 * core's describeIssues) found by the path of the field a form shows, so each is said next to it.
 */
export function problemsAt(problems: readonly string[], path: string): string[] {
  const out: string[] = [];
  for (const p of problems) {
    const colon = p.indexOf(': ');
    if (colon > 0 && p.slice(0, colon) === path) out.push(p.slice(colon + 2));
  }
  return out;
}

/** A new item's id from its name: what ids allow (letters, digits, '-', '_'), lower case. */
export function idFrom(name: string, taken: ReadonlySet<string>): string {
  const base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'new';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}
