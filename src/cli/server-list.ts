// Several API servers for one client: `--server https://a:6443,https://b:6443`. The first is used
// first; the client fails over to the others on its own (client/rest-client.ts).
import { loadKubeconfig, type ClientConfig } from '../client/kubeconfig.js';
import { FlagError, type FlagSpec } from './flags.js';

export const serversFlag: FlagSpec = {
  type: 'string',
  help: 'API servers to use instead of the kubeconfig\'s (comma-separated https://HOST:PORT, same cluster); the client fails over between them',
};

/** `https://a:6443,https://b:6443` → the URLs, each checked. */
export function parseServerList(text: string, flag = '--server'): string[] {
  const urls = text.split(',').map(s => s.trim().replace(/\/$/, '')).filter(Boolean);
  if (!urls.length) throw new FlagError(`${flag} needs at least one https://HOST:PORT`);
  for (const url of urls) {
    if (!/^https:\/\/[^/]+$/.test(url)) throw new FlagError(`invalid value "${url}" for ${flag}: must be https://HOST:PORT`);
  }
  return urls;
}

/** The client config of `urls`: the first server, the others to fail over to. */
export function withServers<T extends ClientConfig>(config: T, urls: string[]): T {
  return { ...config, server: urls[0], failoverServers: urls.slice(1) };
}

/** The kubeconfig's client config, with its server replaced by `--server`'s list when given. */
export function kubeconfigWithServers(path: string, servers: string | number | boolean | undefined): ClientConfig {
  const config = loadKubeconfig(path);
  return servers ? withServers(config, parseServerList(String(servers))) : config;
}
