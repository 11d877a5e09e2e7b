// Relaying an HTTP Upgrade (WebSocket, SPDY) to another server: re-send the request line and headers
// on a fresh connection, then copy bytes both ways. The relay never parses the upgraded protocol,
// so the backend's answer — 101 or an error — reaches the client exactly as sent.
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** Header names (lower case) never passed to the backend: our own credentials stand in for the client's. */
const CLIENT_ONLY_HEADERS = new Set(['host', 'authorization', 'proxy-authorization']);

/**
 * The request head to send upstream: `method path`, the client's headers (original case and order),
 * a new Host, then `extra` (a front proxy's X-Remote-* identity). A client's own identity headers
 * (Impersonate-*, X-Remote-*) never pass: only the proxy may assert who is calling.
 */
export function upgradeRequestHead(req: IncomingMessage, path: string, host: string, extra: [name: string, value: string][] = []): string {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`, `Host: ${host}`];
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (CLIENT_ONLY_HEADERS.has(name) || name.startsWith('impersonate-') || name.startsWith('x-remote-')) continue;
    lines.push(`${raw[i]}: ${raw[i + 1]}`);
  }
  for (const [name, value] of extra) lines.push(`${name}: ${value}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

/**
 * Copies bytes between the client's socket and the backend's until either side goes away. A side
 * that ends gets its peer ended (not destroyed), so data already in flight is still delivered.
 */
export function splice(client: Duplex, backend: Duplex): void {
  // A client that left while the backend was being dialled will never close again: drop both now.
  if (client.destroyed || backend.destroyed) {
    client.destroy();
    backend.destroy();
    return;
  }
  client.pipe(backend);
  backend.pipe(client);
  const teardown = () => {
    client.destroy();
    backend.destroy();
  };
  client.on('error', teardown);
  backend.on('error', teardown);
  client.on('close', () => backend.end());
  backend.on('close', () => client.end());
}

/**
 * An ordinary response object on an upgrade request's socket, for answering without upgrading
 * (errors, refusals, or serving the request as a plain one). The socket closes once it is sent.
 */
export function plainResponse(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.on('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}

/**
 * The sockets a server has handed over to upgraded sessions (exec, attach, port-forward). The HTTP
 * server no longer owns them, so stopping it does not end them: `closeWith` ends both.
 */
export class UpgradedSockets {
  private readonly sockets = new Set<Duplex>();

  /** Tracks a socket until it closes; a socket error destroys it rather than going unhandled. */
  track(socket: Duplex): void {
    socket.on('error', () => socket.destroy());
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Stops `server`: its connections and these upgraded sessions end at once. */
  async closeWith(server: HttpServer | HttpsServer): Promise<void> {
    server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }
}
