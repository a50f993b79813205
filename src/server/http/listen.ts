import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Hono } from 'hono';
import { FloorboardError } from '../../core/index.ts';
import type { ApiEnv } from './app-context.ts';

export interface Listening {
  server: HttpServer;
  port: number;
  /** Drops open connections (and the broker's WebSockets, by `beforeClose`) and stops listening. */
  close: () => Promise<void>;
}

/** Serves the app on host:port (0 picks a free port); a port in use is a configuration error that says which. */
export async function listenHttp(app: Hono<ApiEnv>, host: string, port: number, attach: (server: HttpServer) => void, beforeClose: () => void): Promise<Listening> {
  const server = createAdaptorServer({ fetch: app.fetch, hostname: host }) as HttpServer;
  attach(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new FloorboardError('invalid-config', `PORT ${port} is already in use`, { details: ['PORT: choose a free port'], cause: error }) : error),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        beforeClose();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
