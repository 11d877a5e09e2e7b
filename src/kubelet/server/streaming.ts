// /exec, /attach and /portForward: the runtime (containerd's CRI stream server) does the streaming.
// As upstream's kubelet does, we ask CRI for a one-time URL and relay the client's upgrade request
// to it unchanged apart from the path, so both SPDY and containerd's WebSocket channel protocols
// pass through. A WebSocket protocol the runtime does not speak (kubectl 1.32 offers only
// v5.channel.k8s.io for exec and SPDY/3.1+portforward.k8s.io tunnelling) is refused by the runtime
// with a non-101 answer, which makes kubectl fall back to SPDY.
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { RuntimeClient } from '../cri/client.js';
import { splice, upgradeRequestHead } from '../../util/http-upgrade.js';
import { KubeletRequestError, PodContainers } from './pod-containers.js';

export type StreamKind = 'exec' | 'attach' | 'portForward';

/** Resolves the runtime's streaming URL for a request path such as `/exec/ns/pod/c?command=ls&stdout=1`. */
export async function runtimeStreamUrl(runtime: RuntimeClient, kind: StreamKind, parts: string[], q: URLSearchParams): Promise<URL> {
  const pods = new PodContainers(runtime);
  if (kind === 'portForward') {
    const [namespace, pod] = parts;
    const sandbox = await pods.sandbox(namespace, pod);
    const ports = q.getAll('port').flatMap(p => p.split(',')).filter(Boolean).map(Number);
    return new URL(await runtime.portForward(sandbox.id, ports));
  }
  const [namespace, pod, container] = parts;
  const stdin = flag(q, 'input') || flag(q, 'stdin');
  const stdout = flag(q, 'output') || flag(q, 'stdout');
  const stderr = flag(q, 'error') || flag(q, 'stderr');
  const tty = flag(q, 'tty');
  // Upstream's remotecommand option checks, before anything reaches the runtime.
  if (!stdin && !stdout && !stderr) throw new KubeletRequestError(400, 'you must specify at least 1 of stdin, stdout, stderr');
  const target = await pods.running(namespace, pod, container);
  if (kind === 'exec') {
    const cmd = q.getAll('command');
    if (!cmd.length) throw new KubeletRequestError(400, 'you must specify at least one command for the container');
    return new URL(await runtime.exec({ containerId: target.id, cmd, tty, stdin, stdout, stderr: stderr && !tty }));
  }
  return new URL(await runtime.attach({ containerId: target.id, tty, stdin, stdout, stderr: stderr && !tty }));
}

/** Relays the client's upgrade request to the runtime's stream URL and splices the connections. */
export function relayToRuntime(req: IncomingMessage, client: Duplex, head: Buffer, target: URL, query: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const port = Number(target.port || 80);
    const backend = connect({ host: target.hostname, port });
    backend.once('error', err => reject(new KubeletRequestError(500, `error dialing the runtime's stream server: ${err.message}`)));
    backend.once('connect', () => {
      backend.removeAllListeners('error');
      // The runtime's WebSocket port-forward reads its ports from the query, so keep the client's.
      const path = target.pathname + (target.search || (query ? `?${query}` : ''));
      backend.write(upgradeRequestHead(req, path, target.host));
      if (head.length) backend.write(head);
      splice(client, backend);
      resolve();
    });
  });
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}
