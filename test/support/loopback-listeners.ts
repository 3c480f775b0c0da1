import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { listen } from '../../src/http/ports.js';

/**
 * Loopback listeners that hold ports for a test, closed together afterwards: a silent one (another
 * program on the port) and an HTTP one answering by path.
 */
export class LoopbackListeners {
  private readonly opened: (Server | HttpServer)[] = [];
  private readonly sockets: Socket[] = [];

  /** Accepts connections and never answers; returns its port. */
  async silent(): Promise<number> {
    const server = createServer((socket) => {
      this.sockets.push(socket);
      socket.on('error', () => undefined);
    });
    return this.hold(server);
  }

  /** Answers each request with `answer(path)`; returns its port. */
  async http(answer: (path: string) => { readonly status: number; readonly body: string }): Promise<number> {
    const server = createHttpServer((req, res) => {
      const { status, body } = answer(req.url ?? '');
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
    return this.hold(server);
  }

  async closeAll(): Promise<void> {
    // Keep-alive and never-answered connections would hold close() open.
    for (const socket of this.sockets.splice(0)) socket.destroy();
    for (const server of this.opened) if ('closeAllConnections' in server) server.closeAllConnections();
    await Promise.all(this.opened.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  }

  private async hold(server: Server | HttpServer): Promise<number> {
    this.opened.push(server);
    await listen(server, 0, '127.0.0.1');
    return (server.address() as { port: number }).port;
  }
}
