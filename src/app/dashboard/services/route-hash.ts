/** The dashboard routes, from the location hash. */
export type DashboardRoute =
  | { kind: 'home' }
  | { kind: 'board' }
  | { kind: 'tv' }
  | { kind: 'trends' }
  /** The admin area (users, tablets, plant: issue 13); ready as a route, see start-route.ts. */
  | { kind: 'admin' }
  | { kind: 'line'; lineId: string; from: number | null; to: number | null }
  | { kind: 'report'; lineId: string; from: number; to: number; isStored: boolean };

const num = (s: string | null) => (s !== null && /^\d+$/.test(s) ? Number(s) : null);

/** Parses `#/board`, `#/tv`, `#/trends`, `#/admin`, `#/line/<id>[?from=&to=]`, `#/report/<id>?from=&to=[&stored=1]`; null when not a dashboard hash. */
export function parseRoute(hash: string): DashboardRoute | null {
  const [path = '', search = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(search);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'dashboard' && parts.length === 1) return { kind: 'home' };
  if (parts[0] === 'board' && parts.length === 1) return { kind: 'board' };
  if (parts[0] === 'tv' && parts.length === 1) return { kind: 'tv' };
  if (parts[0] === 'trends' && parts.length === 1) return { kind: 'trends' };
  if (parts[0] === 'admin' && parts.length === 1) return { kind: 'admin' };
  if (parts[0] === 'line' && parts[1] && parts.length === 2) return { kind: 'line', lineId: decodeURIComponent(parts[1]), from: num(params.get('from')), to: num(params.get('to')) };
  if (parts[0] === 'report' && parts[1] && parts.length === 2) {
    const [from, to] = [num(params.get('from')), num(params.get('to'))];
    if (from !== null && to !== null) return { kind: 'report', lineId: decodeURIComponent(parts[1]), from, to, isStored: params.get('stored') === '1' };
  }
  return null;
}

/** The hash of a route (the inverse of `parseRoute`). */
export function routeHash(r: DashboardRoute): string {
  switch (r.kind) {
    case 'home':
      return '#/dashboard';
    case 'line':
      return `#/line/${encodeURIComponent(r.lineId)}${r.from !== null && r.to !== null ? `?from=${r.from}&to=${r.to}` : ''}`;
    case 'report':
      return `#/report/${encodeURIComponent(r.lineId)}?from=${r.from}&to=${r.to}${r.isStored ? '&stored=1' : ''}`;
    default:
      return `#/${r.kind}`;
  }
}
