// A k8ts API client of a highly available cluster, in its own process so a test can run it inside the
// cluster's LAN namespace. Prints one JSON line per thing it saw; stops on SIGTERM. Usage:
//   node ha-client-main.js write KUBECONFIG NAMESPACE URL,URL,...
//     one writer per server, all at once, each through its own client (which starts at its server
//     and fails over to the others), creating ConfigMaps w-C-0, w-C-1, ... one at a time:
//     {"ack":NAME,"uid","rv","at"} per acknowledged create, {"failed":NAME,"error","at"} per failed
//     attempt (the name is tried again; AlreadyExists then means the failed attempt had been applied).
//   node ha-client-main.js informer KUBECONFIG NAMESPACE URL,URL,...
//     a k8ts Informer over the namespace's ConfigMaps through one client that starts at the first
//     URL and fails over to the others: {"event":"add"|"update"|"delete","name","rv"} per handler
//     call; {"list":PATH,"names"} per list it sent, {"watch":RESOURCE_VERSION} per watch it opened and
//     {"raw":TYPE,"name","rv"} per event those watches delivered (so a test sees that a failover
//     resumed the watch rather than re-listing, and what the streams carried); {"synced":true} once.
import { StatusError } from '../../../src/api/errors.js';
import type { KubeObject, WatchEvent } from '../../../src/api/object.js';
import { Informer } from '../../../src/client/informer.js';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient, type RequestOptions, type WatchHandle } from '../../../src/client/rest-client.js';

const [mode, kubeconfig, namespace, urlList] = process.argv.slice(2);
const urls = urlList.split(',');
const credentials = loadKubeconfig(kubeconfig);
const print = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(line)}\n`);
const path = `/api/v1/namespaces/${namespace}/configmaps`;
let stopping = false;

/** A client starting at `urls[first]` and failing over to the others in order. */
function clientFrom(first: number): RestClient {
  const ordered = [...urls.slice(first), ...urls.slice(0, first)];
  return new RestClient({ ...credentials, server: ordered[0], failoverServers: ordered.slice(1) }, 'k8ts-e2e-ha-client');
}

async function write(): Promise<void> {
  const clients = urls.map((_, i) => clientFrom(i));
  await Promise.all(clients.map((client, c) => writeThrough(client, c)));
  for (const c of clients) c.close();
}

/** One writer's loop: ConfigMaps w-C-0, w-C-1, ... one at a time through `client`; a failed attempt
 * is tried again (AlreadyExists then means it had been applied). */
async function writeThrough(client: RestClient, c: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const name = `w-${c}-${i}`;
    for (;;) {
      try {
        const made = await client.create<KubeObject>(path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { i: String(i) } });
        print({ ack: name, uid: made.metadata.uid, rv: made.metadata.resourceVersion, at: Date.now() });
        break;
      } catch (err) {
        if (err instanceof StatusError && err.code === 409) {
          const made = await client.get<KubeObject>(`${path}/${name}`);
          print({ ack: name, uid: made.metadata.uid, rv: made.metadata.resourceVersion, at: Date.now(), retried: true });
          break;
        }
        print({ failed: name, error: (err as Error).message, at: Date.now() });
        await new Promise(r => setTimeout(r, 200));
      }
    }
  }
}

/** A RestClient that reports the lists and watches an informer sends through it, and what they returned. */
class ObservedClient extends RestClient {
  override async list<T = KubeObject>(listPath: string, query?: RequestOptions['query']) {
    const list = await super.list<T>(listPath, query);
    print({ list: listPath, names: list.items.map(o => (o as KubeObject).metadata.name) });
    return list;
  }

  override watch<T = KubeObject>(watchPath: string, query: RequestOptions['query'], onEvent: (e: WatchEvent<T>) => void): WatchHandle {
    print({ watch: query?.resourceVersion });
    return super.watch<T>(watchPath, query, e => {
      const o = e.object as KubeObject;
      if (e.type !== 'BOOKMARK' && e.type !== 'ERROR') print({ raw: e.type, name: o.metadata.name, rv: o.metadata.resourceVersion });
      onEvent(e);
    });
  }
}

async function inform(): Promise<void> {
  const client = new ObservedClient({ ...credentials, server: urls[0], failoverServers: urls.slice(1) }, 'k8ts-e2e-ha-informer');
  const informer = new Informer(client, path, { retryDelayMs: 200 });
  const report = (event: string, o: KubeObject) => print({ event, name: o.metadata.name, rv: o.metadata.resourceVersion });
  informer.on({ add: o => report('add', o), update: (_, o) => report('update', o), delete: o => report('delete', o) });
  informer.start();
  await informer.waitForSync();
  print({ synced: true });
  await new Promise<void>(resolve => process.once('SIGTERM', () => resolve()));
  informer.stop();
  client.close();
}

process.once('SIGTERM', () => { stopping = true; });
if (mode === 'write') await write();
else if (mode === 'informer') await inform();
else throw new Error(`unknown mode ${mode}`);
