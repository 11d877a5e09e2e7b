// For tests of HTTPS clients: a server on 127.0.0.1 with a certificate from a CA of its own, so
// the client under test verifies it as it would a real API server's.
import { createServer, type Server } from 'node:https';
import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCA, issueCertificate } from './certificates.js';

export interface LoopbackHttps {
  server: Server;
  /** https://127.0.0.1:<port> */
  url: string;
  /** The CA certificate (PEM) that signed the server's. */
  ca: string;
}

export async function startLoopbackHttps(handler: RequestListener): Promise<LoopbackHttps> {
  const authority = await createCA('loopback-test-ca');
  const leaf = await issueCertificate(authority, { commonName: 'server', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const server = createServer({ cert: leaf.cert, key: leaf.key }, handler);
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, ca: authority.cert };
}
