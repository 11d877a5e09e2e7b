// Starting a server as a promise: resolves once it listens, rejects with the listen error
// (EADDRINUSE, EACCES, ...) instead of leaving it to an unhandled 'error' event.
import type { Server } from 'node:net';

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
