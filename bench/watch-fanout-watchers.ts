// The watch-fanout benchmark's watchers, in their own process (forked by bench/watch-fanout.ts) so
// that their CPU is measured apart from the creating client's. Each watcher is a RestClient watch
// (HTTPS, chunked JSON lines, one connection per watch as client-go has without HTTP/2) on the
// benchmark's ConfigMaps. Objects are named `<phase>-<i>`: for each phase the parent announces, this
// process answers once every watcher has seen that many ADDED events of the phase, with the CPU it
// spent since the announcement. A watcher that sees resourceVersions go backwards is counted too:
// events must reach every watcher in order.
import { loadKubeconfig } from '../src/client/kubeconfig.js';
import { RestClient } from '../src/client/rest-client.js';

export interface PhaseRequest {
  phase: string;
  count: number;
}

export type WatchersMessage =
  | { phase: string; cpuMs: number; outOfOrder: number }
  | { failed: string };

const [kubeconfig, path, resourceVersion, watcherCount] = process.argv.slice(2) as [string, string, string, string];
const client = new RestClient(loadKubeconfig(kubeconfig), 'k8ts-bench-watcher');
const send = (m: WatchersMessage): void => void process.send!(m);

/** Events seen by each watcher, per phase. */
const seen = Array.from({ length: Number(watcherCount) }, () => new Map<string, number>());
let outOfOrder = 0;
let waiting: { request: PhaseRequest; cpu: NodeJS.CpuUsage; done: number } | undefined;

const handles = seen.map(counts => {
  let lastRevision = 0;
  const handle = client.watch(path, { resourceVersion }, e => {
    const revision = Number(e.object.metadata.resourceVersion);
    if (revision < lastRevision) outOfOrder++;
    lastRevision = revision;
    if (e.type !== 'ADDED') return;
    const name = e.object.metadata.name ?? '';
    const phase = name.slice(0, name.indexOf('-'));
    const n = (counts.get(phase) ?? 0) + 1;
    counts.set(phase, n);
    if (waiting && phase === waiting.request.phase && n === waiting.request.count) watcherDone();
  });
  handle.done.catch(err => send({ failed: `watch ended: ${(err as Error).message}` }));
  return handle;
});

function watcherDone(): void {
  if (!waiting || ++waiting.done < seen.length) return;
  const cpu = process.cpuUsage(waiting.cpu);
  send({ phase: waiting.request.phase, cpuMs: (cpu.user + cpu.system) / 1000, outOfOrder });
  waiting = undefined;
}

process.on('message', (request: PhaseRequest) => {
  waiting = { request, cpu: process.cpuUsage(), done: 0 };
  // Events may have come before the announcement.
  const already = seen.filter(counts => (counts.get(request.phase) ?? 0) >= request.count).length;
  for (let i = 0; i < already; i++) watcherDone();
});

process.on('disconnect', () => {
  for (const h of handles) h.stop();
  client.close();
});
