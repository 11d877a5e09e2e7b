// How the aggregator reaches an extension API server: a ready endpoint of its Service, over TLS
// with the front-proxy client certificate, the server's certificate checked against the
// APIService's caBundle for the name <service>.<namespace>.svc (or not checked at all with
// insecureSkipTLSVerify), as upstream's remote.BuildTransportConfig sets it up.
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { PemPair } from '../../pki/certificates.js';
import type { APIServiceSpec } from '../../api/types/generated.js';

export interface Endpoint {
  host: string;
  port: number;
}

/** `https://host:port` as Go prints a URL host (IPv6 in brackets). */
export function endpointUrl(e: Endpoint, path = ''): string {
  return `https://${isIP(e.host) === 6 ? `[${e.host}]` : e.host}:${e.port}${path}`;
}

/** TLS settings for proxying to the APIService's server. */
export function proxyTls(spec: APIServiceSpec, client: PemPair): ConnectionOptions {
  const svc = spec.service!;
  return {
    cert: client.cert, key: client.key,
    servername: `${svc.name}.${svc.namespace}.svc`,
    ...(spec.insecureSkipTLSVerify ? { rejectUnauthorized: false } : { rejectUnauthorized: true, ca: spec.caBundle ? Buffer.from(spec.caBundle, 'base64').toString('utf8') : undefined }),
  };
}

/** The availability check trusts any certificate: it only asks whether something answers. */
export function checkTls(client: PemPair): ConnectionOptions {
  return { cert: client.cert, key: client.key, rejectUnauthorized: false };
}
