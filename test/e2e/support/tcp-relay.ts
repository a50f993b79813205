import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on a fixed 127.0.0.1 port in front of a service whose port may change on restart.
 * `cut()` destroys every open connection at once: a network drop, as the tablet sees it.
 */
export class TcpRelay {
  readonly #sockets = new Set<Socket>();
  private constructor(
    readonly server: Server,
    readonly port: number,
  ) {}

  static async start(target: () => number | undefined): Promise<TcpRelay> {
    let relay: TcpRelay | null = null;
    const server = createServer((client) => {
      const port = target();
      if (port === undefined || !relay) return void client.destroy();
      const upstream = connect(port, '127.0.0.1');
      const sockets = relay.#sockets;
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    relay = new TcpRelay(server, (server.address() as AddressInfo).port);
    return relay;
  }

  cut(): void {
    for (const s of this.#sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
