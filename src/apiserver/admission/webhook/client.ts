// Calling a webhook: an HTTPS POST of the AdmissionReview to clientConfig.url, or to
// https://<name>.<namespace>.svc:<port><path> for clientConfig.service, trusting caBundle (the
// system roots without one), within timeoutSeconds. Failures are worded as Go's HTTP client words
// them (`Post "https://...?timeout=10s": context deadline exceeded`), because upstream's messages
// quote them.
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { Obj } from '../../../api/validation/types.js';

/** Where a Service-backed webhook is reached: one ready endpoint, chosen per call. */
export type ServiceResolver = (namespace: string, name: string, port: number) => { host: string; port: number };

/** A failed call, its text as upstream's `failed to call webhook: ...` reason continues. */
export class WebhookCallError extends Error {}

interface Target {
  /** The URL as upstream's client builds it (a Service's port always spelled out), for messages. */
  urlText: string;
  /** Host header and request path. */
  host: string;
  path: string;
  /** Name the certificate must carry (and SNI, unless it is an IP address). */
  serverName: string;
  /** Address to connect to; a Service is resolved only when the call is made, as upstream dials. */
  connect: () => { host: string; port: number };
}

function target(clientConfig: Obj, timeoutSeconds: number, resolve: ServiceResolver): Target {
  const query = `?timeout=${timeoutSeconds}s`;
  if (clientConfig.url) {
    const raw = String(clientConfig.url).replace(/[?#].*$/, '');
    const url = new URL(raw);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port || 443);
    return { urlText: raw + query, host: url.host, path: (url.pathname || '/') + query, serverName: host, connect: () => ({ host, port }) };
  }
  const svc: Obj = clientConfig.service ?? {};
  const port: number = svc.port ?? 443;
  const serverName = `${svc.name}.${svc.namespace}.svc`;
  const path = `${svc.path ?? ''}${query}`;
  return { urlText: `https://${serverName}:${port}${path}`, host: `${serverName}:${port}`, path: path.startsWith('/') ? path : '/' + path, serverName, connect: () => resolve(svc.namespace, svc.name, port) };
}

/** POSTs the review and returns the decoded answer; throws WebhookCallError. */
export async function callWebhook(clientConfig: Obj, timeoutSeconds: number, review: unknown, resolve: ServiceResolver): Promise<unknown> {
  let t: Target;
  try {
    t = target(clientConfig, timeoutSeconds, resolve);
  } catch (err) {
    throw new WebhookCallError(`parse ${JSON.stringify(String(clientConfig.url))}: ${(err as Error).message}`);
  }
  const urlText = t.urlText;
  const fail = (why: string) => new WebhookCallError(`Post ${JSON.stringify(urlText)}: ${why}`);
  let address: { host: string; port: number };
  try {
    address = t.connect();
  } catch (err) {
    throw fail((err as Error).message);
  }
  const body = JSON.stringify(review);
  const ca = clientConfig.caBundle ? Buffer.from(clientConfig.caBundle, 'base64').toString('utf8') : undefined;
  let timedOut = false;
  const { status, text } = await new Promise<{ status: number; text: string }>((resolvePromise, reject) => {
    const req = request({
      host: address.host,
      port: address.port,
      method: 'POST',
      path: t.path,
      ca,
      ...(isIP(t.serverName) ? {} : { servername: t.serverName }),
      headers: {
        Host: t.host,
        'Content-Type': 'application/json',
        Accept: 'application/json, */*',
        'Content-Length': Buffer.byteLength(body),
        'User-Agent': 'k8ts-apiserver',
      },
      agent: false,
    }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new DeadlineExceeded());
    }, timeoutSeconds * 1000);
    req.on('close', () => clearTimeout(timer));
    req.on('error', err => reject(err));
    req.end(body);
  }).catch(err => {
    // However far the exchange got (an answer cut off mid-body included), the deadline is the cause.
    throw fail(timedOut ? new DeadlineExceeded().message : goNetworkError(err as NodeJS.ErrnoException, address));
  });
  if (status < 200 || status > 299) throw new WebhookCallError(unsuccessfulResponse(status, text));
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WebhookCallError(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

class DeadlineExceeded extends Error {
  constructor() {
    super('context deadline exceeded');
  }
}

const UNKNOWN_AUTHORITY = new Set(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT']);

/** Node's network and TLS errors in the words of Go's net/http and crypto/tls. */
export function goNetworkError(err: NodeJS.ErrnoException, address: { host: string; port: number }): string {
  const hostPort = isIP(address.host) === 6 ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;
  if (err.code === 'ECONNREFUSED') return `dial tcp ${hostPort}: connect: connection refused`;
  if (err.code === 'EHOSTUNREACH') return `dial tcp ${hostPort}: connect: no route to host`;
  if (err.code === 'ECONNRESET') return 'read: connection reset by peer';
  if (err.code && UNKNOWN_AUTHORITY.has(err.code)) return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
  if (err.code === 'CERT_HAS_EXPIRED') return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
  if (err.code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `tls: failed to verify certificate: x509: ${wrongHostMessage(err as AltnameError)}`;
  return err.message;
}

interface AltnameError extends NodeJS.ErrnoException {
  host?: string;
  cert?: { subjectaltname?: string };
}

/** Go's x509.HostnameError: the names the certificate is valid for (IPs for an IP host). */
function wrongHostMessage(err: AltnameError): string {
  const host = err.host ?? '';
  const sans = (err.cert?.subjectaltname ?? '').split(', ').filter(Boolean);
  const prefix = isIP(host) ? 'IP Address:' : 'DNS:';
  const valid = sans.filter(n => n.startsWith(prefix)).map(n => n.slice(prefix.length));
  if (!valid.length) return isIP(host) ? `cannot validate certificate for ${host} because it doesn't contain any IP SANs` : 'certificate relies on legacy Common Name field, use SANs instead';
  return `certificate is valid for ${valid.join(', ')}, not ${host}`;
}

/**
 * A non-2xx answer as client-go reports it: the Status it carried, else a generic line for the
 * code (its NewGenericServerResponse).
 */
function unsuccessfulResponse(code: number, text: string): string {
  try {
    const status = JSON.parse(text) as Obj;
    if (status?.kind === 'Status' && typeof status.message === 'string' && status.message) return status.message;
  } catch {
    // not JSON: fall through to the generic wording
  }
  const body = text.trim().slice(0, 1024);
  switch (code) {
    case 400: return 'the server rejected our request for an unknown reason';
    case 401: return 'Unauthorized';
    case 403: return 'forbidden: ' + (body || 'unknown');
    case 404: return 'the server could not find the requested resource';
    case 409: return 'the server reported a conflict';
    case 429: return 'the server has received too many requests and has asked us to try again later';
    default:
      if (code >= 500) return `an error on the server (${JSON.stringify(body || 'unknown')}) has prevented the request from succeeding`;
      return `the server responded with the status code ${code} but did not return more information`;
  }
}
