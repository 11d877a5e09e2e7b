// `k8ts logs search QUERY [--namespace NS] [--selector L] [--since DUR] [--container C] [--limit N]`:
// searches the cluster's collected container logs (also those of deleted pods) through the API
// server's /logs/v1/search, as the kubeconfig's user; newest lines first.
import { existsSync } from 'node:fs';
import { parseGoDuration } from '../util/go-duration.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import type { LogPage } from '../storage/logs/log-store.js';
import { clientKubeconfig } from './data-dir.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';

const searchFlags: Record<string, FlagSpec> = {
  namespace: { type: 'string', help: 'only lines of pods in this namespace' },
  selector: { type: 'string', help: 'only lines of pods whose labels match this label selector (e.g. app=web)' },
  since: { type: 'string', help: 'only lines newer than this duration (e.g. 10m, 2h)' },
  container: { type: 'string', help: 'only lines of containers of this name' },
  limit: { type: 'int', default: 100, help: 'lines to show (at most 1000)' },
  output: { type: 'string', default: 'text', help: 'text or json' },
  kubeconfig: { type: 'string', help: 'kubeconfig to use (default $KUBECONFIG, else <data-dir>/kubeconfig.yaml)' },
  help: { type: 'bool', help: 'show this help' },
};

export async function runLogsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'search') throw new FlagError(`unknown logs command ${JSON.stringify(sub ?? '')}; try 'k8ts logs search QUERY'`);
  const { flags, rest: words } = parseFlags(rest, searchFlags);
  if (flags.help) {
    console.log(usage('logs search QUERY', 'Searches the collected container logs of the cluster (also of deleted pods), newest first.', searchFlags));
    return 0;
  }
  const output = String(flags.output);
  if (output !== 'text' && output !== 'json') throw new FlagError(`invalid value "${output}" for --output: must be text or json`);
  const q = new URLSearchParams({ q: words.join(' '), limit: String(flags.limit) });
  if (flags.namespace) q.set('namespace', String(flags.namespace));
  if (flags.selector) q.set('labelSelector', String(flags.selector));
  if (flags.container) q.set('container', String(flags.container));
  if (flags.since) {
    let ns: bigint;
    try {
      ns = parseGoDuration(String(flags.since));
    } catch (err) {
      throw new FlagError(`invalid value "${flags.since}" for --since: ${(err as Error).message}`);
    }
    q.set('sinceSeconds', String(ns / 1_000_000_000n));
  }
  const kubeconfig = clientKubeconfig(flags.kubeconfig);
  if (!existsSync(kubeconfig)) throw new FlagError(`no kubeconfig at ${kubeconfig}: pass --kubeconfig`);
  const client = new RestClient(loadKubeconfig(kubeconfig), 'k8ts-logs');
  try {
    const page = await client.request<LogPage>(`/logs/v1/search?${q}`);
    if (output === 'json') console.log(JSON.stringify(page, null, 2));
    else for (const i of page.items) console.log(`${i.time} ${i.namespace}/${i.pod}/${i.container} ${i.line}`);
    return 0;
  } finally {
    client.close();
  }
}
