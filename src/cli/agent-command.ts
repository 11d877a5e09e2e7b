// `k8ts agent --server URL --token TOKEN`: joins this machine (or network namespace) to a cluster
// as a node, with a bootstrap token (`<id>.<secret>`, e.g. the server's <data-dir>/token). The same agent flags are accepted by `k8ts server` for its embedded agent.
import { mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, type AgentOptions } from '../agent/agent.js';
import { joinCluster, JoinError } from '../agent/join.js';
import { POD_NETWORK_BACKENDS, type PodNetworkBackendName } from '../agent/vxlan-plan.js';
import type { NodeClients } from '../agent/identities.js';
import { parseBootstrapToken, type BootstrapToken } from '../api/bootstrap-token.js';
import { parseQuantity, scaledValue } from '../api/quantity.js';
import { dns1123Subdomain, isIPv4, isIPv6 } from '../api/validation/names.js';
import { PAUSE_IMAGE } from '../kubelet/images/builtin.js';
import type { RotationPolicy } from '../kubelet/logs/rotation-plan.js';
import { PROXY_MODES, type ProxyMode } from '../proxy/backend.js';
import { DEFAULT_HEALTHZ_PORT } from '../proxy/proxier-health.js';
import { DEFAULT_CLUSTER_DOMAIN, DEFAULT_RESOLV_CONF } from '../kubelet/pod-dns.js';
import { logger } from '../util/log.js';
import { pidFileOf, removePidFile, writePidFile } from '../util/pid-file.js';
import { defaultDataDir } from './data-dir.js';
import { commandFlags, FlagError, type FlagSpec, type FlagValues } from './flags.js';
import { parseServerList } from './server-list.js';

/** Flags of the node agent, shared by `k8ts agent` and `k8ts server`. */
export const nodeAgentFlags: Record<string, FlagSpec> = {
  'node-name': { type: 'string', help: 'name of this node (default: the host name)' },
  'node-ip': { type: 'string', help: 'InternalIP of this node (default: the first non-loopback IPv4 address)' },
  'container-runtime-endpoint': { type: 'string', help: 'CRI socket of an existing containerd (unix:///...); default: run our own' },
  'cni-conf-dir': { type: 'string', help: 'where to write the CNI network config (default: our containerd\'s, under the data dir)' },
  'kubelet-port': { type: 'int', default: 10250, help: 'HTTPS port of the kubelet (logs, exec, port-forward)' },
  'pause-image': { type: 'string', default: PAUSE_IMAGE, help: 'pod sandbox image of our containerd (k8ts\'s own is built offline)' },
  'cgroup-root': { type: 'string', default: '/kubepods', help: 'parent cgroup of all pods' },
  'pod-network-backend': { type: 'string', default: 'host-gw', help: 'how pods reach other nodes\' pods: host-gw (routes; all nodes on one L2 network) or vxlan (an overlay across any IP network)' },
  'registry-mirror': { type: 'string', help: 'registry mirrors for our containerd, HOST=URL[,HOST=URL...] (e.g. k8ts.local=http://10.0.0.1:5000)' },
  'disable-ingress': { type: 'bool', default: false, help: 'do not run the built-in ingress controller on this node (on the server: nor create its IngressClass)' },
  'ingress-http-port': { type: 'int', default: 80, help: 'port the built-in ingress controller serves HTTP on' },
  'ingress-https-port': { type: 'int', default: 443, help: 'port the built-in ingress controller serves HTTPS on' },
  'cluster-dns': { type: 'string', help: 'DNS server IP(s) written into ClusterFirst pods\' resolv.conf, comma-separated (default: the kube-dns Service\'s cluster IP, the 10th address of the service CIDR)' },
  'cluster-domain': { type: 'string', default: DEFAULT_CLUSTER_DOMAIN, help: 'DNS domain of the cluster: pods search it, the cluster DNS answers for it' },
  'resolv-conf': { type: 'string', default: DEFAULT_RESOLV_CONF, help: 'the node\'s resolver config: pods with dnsPolicy Default get it, the cluster DNS forwards other names to its nameservers ("" for none)' },
  'disable-cluster-dns': { type: 'bool', default: false, help: 'do not serve cluster DNS on this node (pods still get --cluster-dns)' },
  'proxy-mode': { type: 'string', default: 'nftables', help: 'how kube-proxy programs Services: nftables (verdict maps, one transaction per sync) or iptables (upstream\'s chain layout)' },
  'kube-proxy-healthz-bind-address': { type: 'string', default: `0.0.0.0:${DEFAULT_HEALTHZ_PORT}`, help: 'where kube-proxy serves /healthz and /livez, ADDRESS:PORT ("" for nowhere), as upstream\'s --healthz-bind-address' },
  'kube-proxy-metrics-bind-address': { type: 'string', default: '127.0.0.1:10249', help: 'where kube-proxy serves /metrics and /healthz over HTTP, ADDRESS:PORT ("" for nowhere), as upstream\'s --metrics-bind-address' },
  'disable-kube-proxy': { type: 'bool', default: false, help: 'do not run kube-proxy (Services, NodePorts and load balancer IPs in iptables)' },
  'disable-network-policy': { type: 'bool', default: false, help: 'do not enforce NetworkPolicies for this node\'s pods' },
  'disable-log-shipping': { type: 'bool', default: false, help: 'do not ship this node\'s container log lines to the cluster log store (`k8ts logs search`)' },
  'disable-local-storage': { type: 'bool', default: false, help: 'do not run the built-in local-path provisioner on this node (on the server: nor create the default StorageClass local-path)' },
  'container-log-max-size': { type: 'string', default: '10Mi', help: 'size (a quantity) at which the kubelet rotates a container\'s log, as KubeletConfiguration containerLogMaxSize' },
  'container-log-max-files': { type: 'int', default: 5, help: 'log files kept per container, the live one included (at least 2), as KubeletConfiguration containerLogMaxFiles' },
  'default-local-storage-path': { type: 'string', help: 'where the local-path provisioner makes volume directories (default <data-dir>/storage)' },
};

export const agentFlags: Record<string, FlagSpec> = {
  'server': { type: 'string', help: 'URL of the API server to join (https://HOST:PORT); several, comma-separated, for a cluster of servers: the agent fails over between them' },
  'token': { type: 'string', help: 'bootstrap token to join with, <id>.<secret> (the server\'s <data-dir>/token, or one made with a bootstrap-token Secret); needed until the node has its certificate' },
  'token-file': { type: 'string', help: 'file holding the bootstrap token (keeps it out of the process list)' },
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'directory for the agent\'s state (under <data-dir>/agent)' },
  ...nodeAgentFlags,
  'help': { type: 'bool', help: 'show this help' },
};

export interface RunningAgent {
  agent: Agent;
  nodeName: string;
  stop(): Promise<void>;
}

/** The node agent's settings from its flags, checked before anything touches the network. */
export function nodeAgentSettings(flags: FlagValues): Omit<AgentOptions, 'clients' | 'agentDir' | 'labels' | 'log'> {
  const runtimeEndpoint = flags['container-runtime-endpoint'] as string | undefined;
  if (flags['cni-conf-dir'] && !runtimeEndpoint) throw new FlagError('--cni-conf-dir only applies with --container-runtime-endpoint (our own containerd reads its config from the data dir)');
  const proxyMode = String(flags['proxy-mode']) as ProxyMode;
  if (!PROXY_MODES.includes(proxyMode)) throw new FlagError(`invalid value "${proxyMode}" for --proxy-mode: must be ${PROXY_MODES.join(' or ')}`);
  const backend = String(flags['pod-network-backend']);
  if (!(POD_NETWORK_BACKENDS as readonly string[]).includes(backend)) {
    throw new FlagError(`invalid value "${backend}" for --pod-network-backend: must be one of ${POD_NETWORK_BACKENDS.join(', ')}`);
  }
  const port = Number(flags['kubelet-port']);
  if (port < 1 || port > 65535) throw new FlagError(`invalid value "${port}" for --kubelet-port: must be 1-65535`);
  const ingress = flags['disable-ingress'] ? undefined : { httpPort: Number(flags['ingress-http-port']), httpsPort: Number(flags['ingress-https-port']) };
  for (const [flag, p] of [['ingress-http-port', ingress?.httpPort], ['ingress-https-port', ingress?.httpsPort]] as const) {
    if (p !== undefined && (p < 1 || p > 65535)) throw new FlagError(`invalid value "${p}" for --${flag}: must be 1-65535`);
  }
  if (ingress && ingress.httpPort === ingress.httpsPort) throw new FlagError('--ingress-http-port and --ingress-https-port must differ');
  const clusterDNS = flags['cluster-dns'] === undefined ? undefined : String(flags['cluster-dns']).split(',').map(s => s.trim()).filter(Boolean);
  for (const ip of clusterDNS ?? []) if (!isIPv4(ip) && !isIPv6(ip)) throw new FlagError(`invalid value "${ip}" for --cluster-dns: must be an IP address`);
  const clusterDomain = String(flags['cluster-domain']).replace(/\.$/, '');
  const domainErrors = dns1123Subdomain(clusterDomain);
  if (domainErrors.length) throw new FlagError(`invalid value "${clusterDomain}" for --cluster-domain: ${domainErrors.join('; ')}`);
  return {
    containerLogRotation: containerLogRotation(flags),
    nodeName: String(flags['node-name'] ?? hostname()).toLowerCase(),
    nodeIP: flags['node-ip'] as string | undefined,
    runtimeEndpoint,
    cniConfDir: flags['cni-conf-dir'] as string | undefined,
    kubeletPort: port,
    cgroupRoot: String(flags['cgroup-root']),
    podNetworkBackend: backend as PodNetworkBackendName,
    pauseImage: String(flags['pause-image']),
    registryMirrors: parseMirrors(flags['registry-mirror'] as string | undefined),
    ingress,
    clusterDNS,
    clusterDomain,
    resolvConf: String(flags['resolv-conf']),
    serveClusterDns: !flags['disable-cluster-dns'],
    disableKubeProxy: Boolean(flags['disable-kube-proxy']),
    proxyMode,
    proxyHealthz: parseBindAddress(String(flags['kube-proxy-healthz-bind-address']), 'kube-proxy-healthz-bind-address'),
    proxyMetrics: parseBindAddress(String(flags['kube-proxy-metrics-bind-address']), 'kube-proxy-metrics-bind-address'),
    networkPolicy: !flags['disable-network-policy'],
    logShipping: !flags['disable-log-shipping'],
    // Both `k8ts agent` and `k8ts server` have --data-dir; the volumes live in its storage/, as k3s's.
    storageDir: flags['disable-local-storage'] ? undefined : resolve(String(flags['default-local-storage-path'] ?? join(String(flags['data-dir']), 'storage'))),
  };
}

/** --container-log-max-size and --container-log-max-files, checked as upstream's kubelet config validation. */
function containerLogRotation(flags: FlagValues): RotationPolicy {
  const text = String(flags['container-log-max-size']);
  let maxSizeBytes: number;
  try {
    maxSizeBytes = Number(scaledValue(parseQuantity(text)));
  } catch {
    throw new FlagError(`invalid value "${text}" for --container-log-max-size: must be a quantity, e.g. 10Mi`);
  }
  if (maxSizeBytes <= 0) throw new FlagError(`invalid value "${text}" for --container-log-max-size: must be positive`);
  const maxFiles = Number(flags['container-log-max-files']);
  if (!(maxFiles > 1)) throw new FlagError(`invalid value "${maxFiles}" for --container-log-max-files: must be greater than 1`);
  return { maxSizeBytes, maxFiles };
}

/** ADDRESS:PORT (an IPv4 address) for a listener; "" turns it off. */
function parseBindAddress(text: string, flag: string): { address: string; port: number } | undefined {
  if (text === '') return undefined;
  const m = /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !isIPv4(m[1]!) || !(port >= 1 && port <= 65535)) throw new FlagError(`invalid value "${text}" for --${flag}: must be ADDRESS:PORT, e.g. 0.0.0.0:${DEFAULT_HEALTHZ_PORT}`);
  return { address: m[1]!, port };
}

/** Starts the node agent against an API server reached with the node's `clients`. */
export async function startNodeAgent(settings: ReturnType<typeof nodeAgentSettings>, clients: NodeClients, agentDir: string, labels?: Record<string, string>): Promise<RunningAgent> {
  const agent = new Agent({ ...settings, clients, agentDir, labels, log: logger('agent') });
  try {
    await agent.start();
  } catch (err) {
    await agent.stop();
    throw err;
  }
  return { agent, nodeName: settings.nodeName, stop: () => agent.stop() };
}

export async function startAgent(args: string[]): Promise<RunningAgent | undefined> {
  const flags = commandFlags('agent', 'Joins this machine to a cluster as a node (containerd, kubelet, pod network).', args, agentFlags);
  if (!flags) return undefined;
  if (!flags.server) throw new FlagError('--server is required');
  if (!flags.token === !flags['token-file']) throw new FlagError('one of --token and --token-file is required');
  const tokenText = flags.token ? String(flags.token) : readToken(String(flags['token-file']));
  const servers = parseServerList(String(flags.server));
  const settings = nodeAgentSettings(flags);
  const token = bootstrapToken(tokenText);
  const dataDir = String(flags['data-dir']);
  const agentDir = join(dataDir, 'agent');
  const log = logger('agent');
  // `k8ts killall` finds this process here.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writePidFile(pidFileOf(dataDir));
  // Agents may start before their server: keep trying to reach it, but a CA that fails the token
  // check is an error, not a transient condition.
  let joined;
  for (let attempt = 0; ; attempt++) {
    // An unreachable server: the next attempt joins through the next one.
    const first = attempt % servers.length;
    const [serverUrl, ...failoverServers] = [...servers.slice(first), ...servers.slice(0, first)];
    try {
      joined = await joinCluster({ serverUrl, failoverServers, token, agentDir, nodeName: settings.nodeName });
      break;
    } catch (err) {
      if (!(err instanceof JoinError) || !err.retriable) throw err;
      log('waiting for the server', { error: err.message });
      await new Promise(r => setTimeout(r, 2000));
    }
  }
  const running = await startNodeAgent(settings, joined, agentDir);
  return { ...running, stop: async () => { await running.stop(); removePidFile(pidFileOf(dataDir)); } };
}

export function bootstrapToken(text: string): BootstrapToken {
  const token = parseBootstrapToken(text);
  if (!token) throw new FlagError('invalid join token: must be a bootstrap token <6 characters [a-z0-9]>.<16 characters [a-z0-9]> (the server\'s <data-dir>/token)');
  return token;
}

export function readToken(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    throw new FlagError(`cannot read --token-file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** `k8ts.local=http://10.0.0.1:5000,docker.io=http://...` → { host: url }. */
export function parseMirrors(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  const mirrors: Record<string, string> = {};
  for (const part of text.split(',').map(s => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0 || !/^https?:\/\//.test(part.slice(eq + 1))) throw new FlagError(`invalid value "${part}" for --registry-mirror: must be HOST=http(s)://ADDRESS`);
    mirrors[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return mirrors;
}
