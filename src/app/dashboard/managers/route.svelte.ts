import { parseRoute, routeHash, type DashboardRoute } from '../services/route-hash.ts';

export { parseRoute, routeHash, type DashboardRoute };

/** The current dashboard route; `listen()` follows the hash and returns its own cleanup. */
class RouteManager {
  current = $state<DashboardRoute | null>(typeof location === 'undefined' ? null : parseRoute(location.hash));

  listen(): () => void {
    const update = () => (this.current = parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }

  go(r: DashboardRoute): void {
    location.hash = routeHash(r);
  }
}

export const route = new RouteManager();
