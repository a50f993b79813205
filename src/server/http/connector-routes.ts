import { Hono } from 'hono';
import { FloorboardError } from '../../core/index.ts';
import type { ConnectorsWire } from '../../core/contracts/connectors.ts';
import { requireAuth, type ApiDeps, type ApiEnv } from './app-context.ts';
import { sends } from './contract.ts';
import type { ConnectorHealthBoard } from '../connectors/connector-health.ts';

/**
 * GET /api/connectors: the machine connectors' health as their gateways last reported it, for
 * admins only (endpoints and errors describe the plant's OT network).
 */
export function connectorRoutes(deps: ApiDeps & { health: Pick<ConnectorHealthBoard, 'rows'> }): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  app.get('/connectors', requireAuth(deps.tokens), (c) => {
    if (c.get('principal').role !== 'admin') throw new FloorboardError('forbidden', 'machine connector health is for admins');
    return c.json(sends<ConnectorsWire>({ connectors: deps.health.rows() }));
  });
  return app;
}
