import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { createWebSocketStream, WebSocket, WebSocketServer } from 'ws';
import { MAX_PACKET_BYTES } from './packet-size-guard.ts';
import { MQTT_WS_PATH } from './embedded-broker.ts';

/** The service's `/mqtt` WebSocket, carried through to an external broker's WebSocket listener. */
export interface BrokerWebSocketBridge {
  attach(server: Server): void;
  /** Ends every carried connection (the service stops). */
  drop(): void;
}

/**
 * With an external broker, tablets and dashboards still open MQTT at `/mqtt` on the host that
 * served the app (what their login tells them): each such WebSocket is carried, frame by frame,
 * to the broker's own WebSocket listener (`MQTT_WS_URL`), which checks the session's credentials
 * and topics as for any client. So one address serves the app, the API and MQTT, behind one load
 * balancer for a cluster's instances, without a reverse proxy of its own.
 */
export function brokerWebSocketBridge(target: string, log: (message: string, fields?: Record<string, unknown>) => void): BrokerWebSocketBridge {
  // As the embedded broker: one WebSocket message carries at most one full packet.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PACKET_BYTES + 8 });
  const sockets = new Set<Duplex>();
  return {
    attach(server) {
      server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (new URL(req.url ?? '/', 'http://localhost').pathname !== MQTT_WS_PATH) {
          socket.destroy();
          return;
        }
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        wss.handleUpgrade(req, socket, head, (client) => {
          const upstream = new WebSocket(target, client.protocol || 'mqtt', { maxPayload: MAX_PACKET_BYTES + 8 });
          const end = (error?: Error | null) => {
            if (error && !/premature close|aborted|ECONNRESET/i.test(error.message)) log('mqtt websocket to the broker ended', { error: error.message });
            client.terminate();
            upstream.terminate();
          };
          // Frames are carried as they are; what the device writes before the broker answers waits in the stream.
          const fromDevice = createWebSocketStream(client);
          const toBroker = createWebSocketStream(upstream);
          pipeline(fromDevice, toBroker, end);
          pipeline(toBroker, fromDevice, end);
        });
      });
    },
    drop() {
      for (const s of sockets) s.destroy();
    },
  };
}
