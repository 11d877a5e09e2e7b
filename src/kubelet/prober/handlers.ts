// The probe and hook actions the kubelet runs against a container: exec (CRI ExecSync), httpGet,
// tcpSocket and grpc (grpc.health.v1) from the node to the pod's IP, with upstream's success rules
// (HTTP 200-399, exit code 0, SERVING) and failure texts (Go's net/http and dial errors).
import * as grpc from '@grpc/grpc-js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { Container, ExecAction, GRPCAction, HTTPGetAction, TCPSocketAction } from '../../api/types/generated.js';
import { CriError, type RuntimeClient } from '../cri/client.js';

export interface ProbeOutcome {
  ok: boolean;
  output: string;
}

export interface Target {
  podIP: string;
  containerId: string;
  container: Container;
  runtime: RuntimeClient;
  timeoutSeconds: number;
}

export const PROBE_USER_AGENT = 'kube-probe/1.32';

export async function execAction(a: ExecAction, t: Target): Promise<ProbeOutcome> {
  const cmd = a.command ?? [];
  try {
    const res = await t.runtime.execSync(t.containerId, cmd, t.timeoutSeconds);
    const output = Buffer.concat([res.stdout, res.stderr]).toString('utf8');
    return { ok: res.exitCode === 0, output: res.exitCode === 0 ? output : output || `command ${JSON.stringify(cmd.join(' '))} exited with ${res.exitCode}` };
  } catch (err) {
    if (err instanceof CriError && err.code === grpc.status.DEADLINE_EXCEEDED) {
      return { ok: false, output: `command timed out: "${cmd.join(' ')}" timed out after ${t.timeoutSeconds}s` };
    }
    throw err;
  }
}

/** A named port resolves through the container's ports, as upstream does. */
export function resolvePort(port: number | string, c: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const p = c.ports?.find(p => p.name === port);
  if (!p) throw new Error(`couldn't find port: ${port} in ${c.name}`);
  return p.containerPort;
}

export function httpGetAction(a: HTTPGetAction, t: Target): Promise<ProbeOutcome> {
  const scheme = (a.scheme ?? 'HTTP').toLowerCase();
  const host = a.host || t.podIP;
  const port = resolvePort(a.port, t.container);
  const path = a.path ? (a.path.startsWith('/') ? a.path : `/${a.path}`) : '/';
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const url = `${scheme}://${hostPort}${path}`;
  const headers: Record<string, string> = { 'User-Agent': PROBE_USER_AGENT, Accept: '*/*' };
  for (const h of a.httpHeaders ?? []) headers[h.name] = h.value;
  const send = scheme === 'https' ? httpsRequest : httpRequest;
  return new Promise(resolve => {
    const req = send(url, { method: 'GET', headers, timeout: t.timeoutSeconds * 1000, rejectUnauthorized: false, agent: false }, res => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (d: Buffer) => {
        // Upstream reads at most 10 KiB of the body for the probe's output.
        if (size < 10 * 1024) chunks.push(d);
        size += d.length;
      });
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 10 * 1024);
        if (code >= 200 && code < 400) resolve({ ok: true, output: body });
        else resolve({ ok: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      res.on('error', err => resolve({ ok: false, output: `Get "${url}": ${err.message}` }));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ ok: false, output: `Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', err => resolve({ ok: false, output: `Get "${url}": ${dialError(hostPort, err)}` }));
    req.end();
  });
}

export function tcpSocketAction(a: TCPSocketAction, t: Target): Promise<ProbeOutcome> {
  const host = a.host || t.podIP;
  const port = resolvePort(a.port, t.container);
  const hostPort = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise(resolve => {
    const sock = connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ ok: false, output: `dial tcp ${hostPort}: i/o timeout` });
    }, t.timeoutSeconds * 1000);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ ok: true, output: '' });
    });
    sock.once('error', err => {
      clearTimeout(timer);
      resolve({ ok: false, output: dialError(hostPort, err) });
    });
  });
}

function dialError(hostPort: string, err: Error & { code?: string }): string {
  const what: Record<string, string> = { ECONNREFUSED: 'connect: connection refused', EHOSTUNREACH: 'connect: no route to host', ENETUNREACH: 'connect: network is unreachable', ECONNRESET: 'read: connection reset by peer' };
  return `dial tcp ${hostPort}: ${what[err.code ?? ''] ?? err.message}`;
}

// grpc.health.v1.HealthCheckRequest { string service = 1; } and HealthCheckResponse { ServingStatus status = 1; },
// encoded by hand: two one-field messages do not need a .proto.
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

function encodeRequest(service: string): Buffer {
  const s = Buffer.from(service, 'utf8');
  return s.length ? Buffer.concat([Buffer.from([0x0a]), varint(s.length), s]) : Buffer.alloc(0);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function decodeStatus(b: Buffer): number {
  // Field 1, varint; any other field is skipped only if it is the same simple shape.
  for (let i = 0; i < b.length;) {
    const tag = b[i++];
    let v = 0, shift = 0, byte: number;
    do {
      byte = b[i++];
      v |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    if (tag === 0x08) return v;
  }
  return 0;
}

const HealthClient = grpc.makeGenericClientConstructor({
  Check: {
    path: '/grpc.health.v1.Health/Check',
    requestStream: false,
    responseStream: false,
    requestSerialize: (s: string) => encodeRequest(s),
    requestDeserialize: (b: Buffer) => b.toString(),
    responseSerialize: (n: number) => Buffer.from([0x08, n]),
    responseDeserialize: (b: Buffer) => decodeStatus(b),
  },
}, 'Health');

export function grpcAction(a: GRPCAction, t: Target): Promise<ProbeOutcome> {
  const addr = t.podIP.includes(':') ? `[${t.podIP}]:${a.port}` : `${t.podIP}:${a.port}`;
  const client = new HealthClient(addr, grpc.credentials.createInsecure());
  const deadline = Date.now() + t.timeoutSeconds * 1000;
  return new Promise(resolve => {
    (client as unknown as { Check: (req: string, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: number) => void) => void })
      .Check(a.service ?? '', { deadline }, (err, res) => {
        client.close();
        if (err) {
          if (err.code === grpc.status.DEADLINE_EXCEEDED || err.code === grpc.status.UNAVAILABLE) {
            resolve({ ok: false, output: `timeout: failed to connect service "${addr}" within ${t.timeoutSeconds}s: context deadline exceeded` });
          } else {
            resolve({ ok: false, output: `rpc error: code = ${grpc.status[err.code]} desc = ${err.details}` });
          }
        } else if (res === 1) {
          resolve({ ok: true, output: '' });
        } else {
          resolve({ ok: false, output: `service unhealthy (responded with "${SERVING_STATUS[res] ?? res}")` });
        }
      });
  });
}
