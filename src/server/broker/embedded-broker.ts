import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { Aedes } from 'aedes';
import { FloorboardError } from '../../core/index.ts';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { ServiceMetrics } from '../metrics.ts';
import type { createBrokerAuth } from './broker-auth.ts';
import { guardPacketSize, MAX_PACKET_BYTES } from './packet-size-guard.ts';

export const MQTT_WS_PATH = '/mqtt';

export interface EmbeddedBroker {
  aedes: Aedes;
  /** Port of the TCP listener (the one asked for, or the one the OS picked for 0). */
  tcpPort: number;
  /** Serves MQTT over WebSocket on `/mqtt` of this HTTP server. */
  attachWebSocket(server: HttpServer): void;
  /** Upgraded sockets are not the HTTP server's any more: it waits for them forever on close. */
  dropWebSockets(): void;
  close(): Promise<void>;
}

export interface EmbeddedBrokerOptions {
  host: string;
  tcpPort: number;
  auth: ReturnType<typeof createBrokerAuth>;
  metrics: ServiceMetrics;
  /** Told when a client connects (device id), so the clock offset is measured on its next batch. */
  onClientReady?: (clientId: string) => void;
  log: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Starts Aedes (MQTT 3.1.1) on TCP and, once attached, on WebSocket at `/mqtt` of the HTTP
 * server. Sessions live in memory: the service's own persistent session survives reconnects,
 * and the tablets' outboxes (not the broker) are what survives a restart.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { auth, metrics } = options;
  const aedes = await Aedes.createBroker({
    authenticate: auth.authenticate,
    authorizePublish: auth.authorizePublish,
    authorizeSubscribe: auth.authorizeSubscribe,
    authorizeForward: auth.authorizeForward,
    // Deliveries in flight per broker: the service's subscription takes every device's batches.
    concurrency: 1000,
  });
  aedes.on('clientReady', (client) => {
    metrics.connectedClients.set(aedes.connectedClients);
    options.onClientReady?.(client.id);
  });
  aedes.on('clientDisconnect', (client) => {
    auth.forget(client);
    metrics.connectedClients.set(aedes.connectedClients);
  });
  aedes.on('clientError', (client, error) => options.log('mqtt client error', { clientId: client.id, error: error.message }));

  const tcp: TcpServer = createServer((socket) => aedes.handle(guardPacketSize(socket)));
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', (error: NodeJS.ErrnoException) => {
      aedes.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new FloorboardError('invalid-config', `MQTT_TCP_PORT ${options.tcpPort} is already in use (another broker?)`, {
              details: ['MQTT_TCP_PORT: choose a free port, or set MQTT_URL to use the broker that holds it'],
              cause: error,
            })
          : error,
      );
    });
    tcp.listen(options.tcpPort, options.host, () => resolve());
  });
  // One WebSocket message may carry at most one full packet (mqtt.js sends one per message).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PACKET_BYTES + 8 });
  const sockets = new Set<Duplex>();

  return {
    aedes,
    tcpPort: (tcp.address() as AddressInfo).port,
    attachWebSocket(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = new URL(req.url ?? '/', 'http://localhost').pathname;
        if (path !== MQTT_WS_PATH) {
          socket.destroy();
          return;
        }
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        wss.handleUpgrade(req, socket, head, (ws) => {
          const stream = createWebSocketStream(ws);
          stream.on('error', () => stream.destroy());
          aedes.handle(guardPacketSize(stream), req);
        });
      });
    },
    dropWebSockets() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      for (const s of sockets) s.destroy();
      wss.close();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
