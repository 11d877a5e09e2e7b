// Starting a server as a promise: resolves once it listens, rejects with the listen error
// (EADDRINUSE, EACCES, ...) instead of leaving it to an unhandled 'error' event.
import type { IncomingMessage, RequestListener } from 'node:http';
import { createServer, type Server as HttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import type { Duplex } from 'node:stream';

/** Listens on a TCP port and host, or on a unix socket path when `host` is omitted. */
export function listen(server: Server, portOrPath: number | string, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      server.off('error', reject);
      resolve();
    };
    if (host === undefined) server.listen(portOrPath, ready);
    else server.listen(portOrPath as number, host, ready);
  });
}

/**
 * An HTTPS server that passes requests to `onRequest` and HTTP upgrades (exec, attach,
 * port-forward) to `onUpgrade`, listening on `port` and `host`. Resolves with the bound port.
 */
export async function listenHttps(
  options: ServerOptions, port: number, host: string | undefined,
  onRequest: RequestListener, onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<{ server: HttpsServer; port: number }> {
  const server = createServer(options, onRequest);
  server.on('upgrade', onUpgrade);
  await listen(server, port, host);
  return { server, port: (server.address() as AddressInfo).port };
}
