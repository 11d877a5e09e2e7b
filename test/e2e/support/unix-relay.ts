// Byte relays between loopback TCP and a unix socket. A process inside a test's network namespace
// cannot reach the host's loopback, but a unix socket is a file and crosses namespaces: the host
// side relays the socket to the API server's loopback port, the namespace side offers its own
// loopback port relayed to the socket. Traffic stays on loopbacks and a file.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { rmSync } from 'node:fs';

function pipeBoth(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close);
  b.on('error', close);
  a.on('close', close);
  b.on('close', close);
}

/** Listens on `socketPath`; each connection is relayed to 127.0.0.1:`port`. */
export function relayUnixToTcp(socketPath: string, port: number): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer(s => pipeBoth(s, connect({ host: '127.0.0.1', port })));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve(server));
  });
}

/** Listens on 127.0.0.1:`port` (0: any); each connection is relayed to `socketPath`. */
export function relayTcpToUnix(port: number, socketPath: string): Promise<Server> {
  const server = createServer(s => pipeBoth(s, connect({ path: socketPath })));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
