// Byte relays between loopback TCP and a unix socket. A process inside a test's network namespace
// cannot reach the host's loopback, but a unix socket is a file and crosses namespaces: the host
// side relays the socket to the API server's loopback port, the namespace side offers its own
// loopback port relayed to the socket. Traffic stays on loopbacks and a file.
import { rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { splice } from '../../../src/util/http-upgrade.js';
import { listen } from '../../../src/util/listen.js';

/** Listens on `socketPath`; each connection is relayed to 127.0.0.1:`port`. */
export function relayUnixToTcp(socketPath: string, port: number): Promise<Server> {
  rmSync(socketPath, { force: true });
  const server = createServer(s => splice(s, connect({ host: '127.0.0.1', port })));
  return listen(server, socketPath).then(() => server);
}

/** Listens on 127.0.0.1:`port` (0: any); each connection is relayed to `socketPath`. */
export function relayTcpToUnix(port: number, socketPath: string): Promise<Server> {
  const server = createServer(s => splice(s, connect({ path: socketPath })));
  return listen(server, port, '127.0.0.1').then(() => server);
}
