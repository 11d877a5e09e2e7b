// HTTP(S) and WebSocket requests from wherever it runs (a test starts it inside a network namespace
// with nsenter), printed as JSON. Usage: node http-probe.js '<Probe[] as JSON>'
// Requests go one after another over kept-alive connections (one agent per scheme).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocket } from 'ws';

export interface Probe {
  url: string;
  headers?: Record<string, string>;
  /** TLS server name (SNI); default none. */
  servername?: string;
  /** PEM CA to verify the server with; without it any certificate is accepted. */
  ca?: string;
  /** Open a WebSocket instead, send this message and report the first answer. */
  websocket?: string;
}

export interface ProbeResult {
  status?: number;
  headers?: IncomingMessage['headers'];
  body?: string;
  /** Whether the request went on a connection kept alive from an earlier one. */
  reused?: boolean;
  /** Subject CN of the server's certificate, and whether it verified against `ca`. */
  certificate?: { subjectCN: string; authorized: boolean };
  error?: string;
}

const http = new HttpAgent({ keepAlive: true, maxSockets: 1 });
const https = new HttpsAgent({ keepAlive: true, maxSockets: 1 });

function fetchOne(p: Probe): Promise<ProbeResult> {
  const url = new URL(p.url);
  const tls = url.protocol === 'https:';
  const options = {
    host: url.hostname, port: url.port || (tls ? 443 : 80), path: url.pathname + url.search, headers: p.headers,
    ...(tls ? { agent: p.servername || p.ca ? new HttpsAgent() : https, servername: p.servername, ca: p.ca, rejectUnauthorized: !!p.ca } : { agent: http }),
  };
  return new Promise(resolve => {
    const req = (tls ? httpsRequest : httpRequest)(options, res => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', d => (body += d));
      res.on('end', () => {
        const result: ProbeResult = { status: res.statusCode, headers: res.headers, body, reused: req.reusedSocket };
        if (tls) {
          const socket = res.socket as TLSSocket;
          result.certificate = { subjectCN: String(socket.getPeerCertificate().subject?.CN ?? ''), authorized: socket.authorized };
        }
        resolve(result);
      });
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', err => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
    req.end();
  });
}

function websocket(p: Probe): Promise<ProbeResult> {
  return new Promise(resolve => {
    const ws = new WebSocket(p.url, { headers: p.headers, handshakeTimeout: 10_000 });
    ws.once('open', () => ws.send(p.websocket!));
    ws.once('message', m => {
      resolve({ status: 101, body: String(m) });
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode }));
    ws.once('error', err => resolve({ error: err.message }));
  });
}

const probes = JSON.parse(process.argv[2]) as Probe[];
const results: ProbeResult[] = [];
for (const p of probes) results.push(await (p.websocket !== undefined ? websocket(p) : fetchOne(p)));
http.destroy();
https.destroy();
console.log(JSON.stringify(results));
