// GET /containerLogs/{namespace}/{pod}/{container}: a container's log (or, with `previous`, its
// prior instance's) read from the file CRI reports, with upstream's query options.
import type { ServerResponse } from 'node:http';
import type { Pod } from '../../api/types/generated.js';
import type { RuntimeClient } from '../cri/client.js';
import { readContainerLog, type LogReadOptions } from './log-reader.js';
import { KubeletRequestError, PodContainers } from './pod-containers.js';

/** The pod as the kubelet knows it, when the server runs beside one (for upstream's waiting messages). */
export type PodLookup = (namespace: string, name: string) => Pod | undefined;

export async function serveContainerLogs(
  res: ServerResponse, runtime: RuntimeClient, namespace: string, pod: string, container: string,
  q: URLSearchParams, lookup?: PodLookup,
): Promise<void> {
  const opts = logReadOptions(q);
  const previous = flag(q, 'previous');
  const instances = await new PodContainers(runtime).instances(namespace, pod, container);
  const chosen = previous ? instances[1] : instances[0];
  if (!chosen) {
    if (previous) throw new KubeletRequestError(400, `previous terminated container "${container}" in pod "${pod}" not found`);
    throw new KubeletRequestError(400, `container "${container}" in pod "${pod}" is waiting to start: ${waitingText(lookup?.(namespace, pod), container)}`);
  }
  const status = await runtime.containerStatus(chosen.id);
  if (!status.logPath) throw new KubeletRequestError(400, `container "${container}" in pod "${pod}" has no log file`);

  const aborted = new AbortController();
  res.once('close', () => aborted.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  try {
    await readContainerLog(status.logPath, opts, {
      write: chunk => new Promise<void>(resolve => {
        if (res.write(chunk)) resolve();
        else {
          res.once('drain', resolve);
          res.once('close', resolve);
        }
      }),
    }, {
      signal: aborted.signal,
      running: async () => {
        try {
          const s = await runtime.containerStatus(chosen.id);
          return s.state === 'CONTAINER_RUNNING' || s.state === 'CONTAINER_CREATED';
        } catch {
          return false;
        }
      },
    });
  } finally {
    res.end();
  }
}

/** Upstream's validateContainerLogStatus wording for a container with no instance yet. */
function waitingText(pod: Pod | undefined, container: string): string {
  const statuses = [...(pod?.status?.initContainerStatuses ?? []), ...(pod?.status?.containerStatuses ?? [])];
  const reason = statuses.find(s => s.name === container)?.state?.waiting?.reason;
  if (reason === 'ErrImagePull') return 'image can\'t be pulled';
  if (reason === 'ImagePullBackOff') return 'trying and failing to pull image';
  // Without a status the runtime knows only that nothing was created yet.
  return reason || 'ContainerCreating';
}

function logReadOptions(q: URLSearchParams): LogReadOptions {
  const opts: LogReadOptions = { follow: flag(q, 'follow'), timestamps: flag(q, 'timestamps') };
  const tail = int(q, 'tailLines');
  if (tail !== undefined) opts.tailLines = tail;
  const limit = int(q, 'limitBytes');
  if (limit !== undefined) opts.limitBytes = limit;
  const sinceSeconds = int(q, 'sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined) opts.sinceMs = Date.now() - sinceSeconds * 1000;
  else if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new KubeletRequestError(400, `invalid sinceTime "${sinceTime}"`);
    opts.sinceMs = t;
  }
  return opts;
}

function flag(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v);
}

function int(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new KubeletRequestError(400, `invalid ${name} "${v}"`);
  return n;
}
