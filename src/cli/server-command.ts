// `k8ts server`: a whole single-node control plane in one process, state in SQLite under the
// data dir. First start creates the CA, certificates, join token and admin kubeconfig. Each
// control-plane component talks to the API as its own identity (system:kube-scheduler,
// system:kube-controller-manager, the embedded node's system:node:<name>, ...).
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiServer } from '../apiserver/server.js';
import { systemContext } from '../apiserver/context.js';
import { ensureCredentials, FRONT_PROXY_CLIENT_NAME, writeAdminKubeconfig, writeComponentKubeconfigs } from '../apiserver/auth/credentials.js';
import { ensureAuthenticationTrust } from '../apiserver/auth/authentication-trust.js';
import { DEFAULT_REQUEST_HEADERS, type RequestHeaderConfig } from '../api/request-header.js';
import { ensureNodeBootstrap } from '../apiserver/auth/node-bootstrap.js';
import { loadTokenFile, TokenFileError } from '../apiserver/auth/token-file.js';
import type { TokenEntry } from '../apiserver/auth/authenticator.js';
import { certificateApproval, certificateSigning, certificateSubjectRestriction } from '../apiserver/admission/certificates.js';
import { CertificateStore, ensureClientIdentities, identitySubject } from '../agent/identities.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { issueCertificate } from '../pki/certificates.js';
import { DEFAULT_REQUEST_LIMITS, type RequestLimitOptions } from '../apiserver/http/limits.js';
import { bootstrapCluster } from '../apiserver/bootstrap.js';
import { EndpointReconciler } from '../apiserver/endpoint-reconciler.js';
import { AuthorizationModeError, buildAuthorizer, DEFAULT_AUTHORIZATION_MODE, parseAuthorizationModes, type AuthorizationMode } from '../apiserver/auth/authorization-mode.js';
import { EncryptionConfig, EncryptionConfigError } from '../apiserver/encryption/config.js';
import { Auditor } from '../apiserver/audit/auditor.js';
import { HistoryStore } from '../apiserver/history/history-store.js';
import { RotatingLogFile, stdoutSink } from '../apiserver/audit/log-file.js';
import { AuditPolicyError, loadAuditPolicy, type AuditPolicy } from '../apiserver/audit/policy.js';
import { eventKeyPrefixes, startEventExpiry } from '../apiserver/event-expiry.js';
import { defaultIngressClass } from '../apiserver/admission/default-ingress-class.js';
import { defaultStorageClass } from '../apiserver/admission/default-storage-class.js';
import { persistentVolumeClaimResize } from '../apiserver/admission/persistent-volume-claim-resize.js';
import { storageObjectInUseProtection } from '../apiserver/admission/storage-object-in-use-protection.js';
import { DEFAULT_TOLERATION_SECONDS, defaultTolerationSeconds } from '../apiserver/admission/default-toleration-seconds.js';
import { limitRanger } from '../apiserver/admission/limit-ranger.js';
import { namespaceLifecycle } from '../apiserver/admission/namespace-lifecycle.js';
import { nodeRestriction } from '../apiserver/admission/node-restriction.js';
import { resourceQuotaAdmission } from '../apiserver/admission/resource-quota.js';
import { priorityAdmission } from '../apiserver/admission/priority.js';
import { podSecurityAdmission, type PodSecurityConfig } from '../apiserver/admission/pod-security/admission.js';
import { podSecurityConfig } from '../apiserver/admission/pod-security/config.js';
import { AdmissionConfigError, readAdmissionConfig } from '../apiserver/admission/admission-config.js';
import { serviceAccountAdmission } from '../apiserver/admission/service-account.js';
import { celAuthorizeFn } from '../apiserver/admission/cel-authorize.js';
import { celMatchConditions } from '../apiserver/admission/webhook/match-conditions.js';
import { mutatingAdmissionWebhook } from '../apiserver/admission/webhook/mutating.js';
import { registryWebhookSources } from '../apiserver/admission/webhook/sources.js';
import { validatingAdmissionWebhook } from '../apiserver/admission/webhook/validating.js';
import { validatingAdmissionPolicy } from '../apiserver/admission/validating-admission-policy.js';
import { RestClient } from '../client/rest-client.js';
import { SharedInformers } from '../client/shared-informers.js';
import { leaderElected } from '../client/leader-election.js';
import { allControllers } from '../controllers/index.js';
import { ControllerManager } from '../controllers/manager.js';
import { LocalPluginSockets } from '../controllers/csi/driver-endpoints.js';
import { agentPaths } from '../agent/agent-paths.js';
import { WorkQueueMetrics } from '../client/work-queue-metrics.js';
import { NodeCollectorMetrics } from '../controllers/cluster/node-collector-metrics.js';
import { SchedulerMetrics } from '../scheduler/scheduler-metrics.js';
import type { Registry as MetricsRegistry } from '../metrics/registry.js';
import { CONTROLLER_NAMESPACE, controllerServiceAccount } from '../controllers/service-accounts.js';
import { ServiceAccountCredentials } from '../client/service-account-credentials.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { strategies } from '../apiserver/registry/strategies/index.js';
import { nthAddress, parseCidr } from '../api/cidr.js';
import { startAutoCompaction, type Store } from '../storage/index.js';
import { TransformError } from '../storage/encryption/transformer.js';
import { logger } from '../util/log.js';
import { pidFileOf, removePidFile, writePidFile } from '../util/pid-file.js';
import { commandFlags, durationFlagMs, FlagError, type FlagSpec, type FlagValues } from './flags.js';
import { parseQuantity, scaledValue } from '../api/quantity.js';
import { LogStore, type RetentionPolicy } from '../storage/logs/log-store.js';
import { defaultDataDir } from './data-dir.js';
import { datastoreFlags, datastoreSettings, embeddedOptions, expiresKeys, openDatastore, type DatastoreSettings, type OpenDatastore } from './datastore.js';
import { embeddedEtcdClient, readMemberRecord, resetEmbeddedEtcd } from './embedded-etcd.js';
import { bootstrapToken, nodeAgentFlags, nodeAgentSettings, readToken, startNodeAgent, type RunningAgent } from './agent-command.js';
import { fetchServerBootstrap, readSharedFiles, receivedEncryptionConfigPath, SHARED_FILES, writeServerBootstrap, type ServerBootstrapData } from './server-join.js';
import { parseServerList } from './server-list.js';
import { hpaFlags, hpaSettings } from './hpa-flags.js';
import { signingDurationFlag, signingDurationSeconds } from './signing-duration-flag.js';
import type { HorizontalPodAutoscalerOptions } from '../controllers/autoscaling/horizontal-pod-autoscaler.js';
import { HpaMetrics } from '../controllers/autoscaling/hpa-metrics.js';
import { formatBootstrapToken, type BootstrapToken } from '../api/bootstrap-token.js';
import { JoinError } from '../agent/join.js';
import type { ServerBootstrapSource } from '../apiserver/handlers/server-bootstrap.js';
import { errorMessage } from '../util/error-message.js';

const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

export const serverFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'directory for state, certificates and the kubeconfig' },
  'https-listen-port': { type: 'int', default: 6443, help: 'HTTPS port of the API server' },
  'bind-address': { type: 'string', default: '0.0.0.0', help: 'address the API server listens on' },
  'advertise-address': { type: 'string', help: 'address other components use to reach this server (default: bind address, or 127.0.0.1 for 0.0.0.0)' },
  'service-cidr': { type: 'string', default: '10.43.0.0/16', help: 'IPv4 range for Service cluster IPs' },
  'service-node-port-range': { type: 'string', default: '30000-32767', help: 'port range for NodePort Services' },
  'cluster-cidr': { type: 'string', default: '10.42.0.0/16', help: 'pod network range, split into a /24 per node' },
  'node-monitor-grace-period': { type: 'int', default: 40, help: 'seconds without a node heartbeat before the node is NotReady' },
  'default-not-ready-toleration-seconds': { type: 'int', default: DEFAULT_TOLERATION_SECONDS, help: 'tolerationSeconds of the not-ready:NoExecute toleration added to every pod without one' },
  'default-unreachable-toleration-seconds': { type: 'int', default: DEFAULT_TOLERATION_SECONDS, help: 'tolerationSeconds of the unreachable:NoExecute toleration added to every pod without one' },
  'disable-controllers': { type: 'bool', default: false, help: 'run only the API server (controllers and scheduler run elsewhere)' },
  'disable-agent': { type: 'bool', default: false, help: 'do not run the embedded node agent (no kubelet or containerd on this machine)' },
  'disable-servicelb': { type: 'bool', default: false, help: 'do not run the built-in load balancer (LoadBalancer Services stay pending unless another implementation serves them)' },
  'authorization-mode': { type: 'string', default: DEFAULT_AUTHORIZATION_MODE, help: 'ordered list of authorizers asked for each request (comma-separated: AlwaysAllow, AlwaysDeny, Node, RBAC); system:masters may always do anything' },
  'log-retention': { type: 'string', default: '168h', help: 'how long collected container log lines stay searchable (e.g. 24h), also after their pod is deleted' },
  'log-retention-size': { type: 'string', default: '1Gi', help: 'size (a quantity) the container log store may use in <data-dir>/logs; the oldest lines go first' },
  'event-ttl': { type: 'string', default: '1h', help: 'how long an Event is kept after its last write (e.g. 30m, 1h)' },
  'admission-control-config-file': { type: 'string', help: 'AdmissionConfiguration file giving admission plugins their configuration (PodSecurity defaults and exemptions)' },
  'etcd-compaction-interval': { type: 'string', default: '5m', help: 'how often superseded revisions are compacted (e.g. 30s, 5m; 0 disables)' },
  'token-auth-file': { type: 'string', help: 'CSV file of static bearer tokens: token,user,uid,"group1,group2"' },
  'anonymous-auth': { type: 'bool', default: true, help: 'requests without credentials are system:anonymous (authorized like any user); false answers them 401' },
  'cluster-signing-duration': signingDurationFlag,
  'encryption-provider-config': { type: 'string', help: 'EncryptionConfiguration file: how resources (e.g. Secrets) are encrypted at rest' },
  'metric-resolution': { type: 'string', default: '15s', help: 'how often the built-in metrics API (metrics.k8s.io, what kubectl top and the HorizontalPodAutoscaler read) scrapes every Ready node\'s kubelet; at least 1s (metrics-server\'s --metric-resolution)' },
  'disable-metrics-server': { type: 'bool', default: false, help: 'do not serve the built-in metrics API (deploy metrics-server instead, behind its own APIService v1beta1.metrics.k8s.io)' },
  'history-retention': { type: 'string', default: '24h', help: 'how long the history of every object\'s writes is kept under <data-dir>/history (e.g. 1h, 24h; 0 disables)' },
  'audit-policy-file': { type: 'string', help: 'audit.k8s.io/v1 Policy file: which requests are audited, at which level' },
  'audit-log-path': { type: 'string', help: 'file the audit events are written to as JSON lines (- for standard output)' },
  'audit-log-maxage': { type: 'int', default: 0, help: 'days to keep rotated audit log files (0: no limit)' },
  'audit-log-maxbackup': { type: 'int', default: 0, help: 'number of rotated audit log files to keep (0: all)' },
  'audit-log-maxsize': { type: 'int', default: 0, help: 'megabytes an audit log file may reach before it is rotated (0: 100)' },
  'max-requests-inflight': { type: 'int', default: DEFAULT_REQUEST_LIMITS.maxRequestsInflight, help: 'read-only requests served at once before others get 429 (0: no limit; watches and other long-running requests do not count)' },
  'max-mutating-requests-inflight': { type: 'int', default: DEFAULT_REQUEST_LIMITS.maxMutatingRequestsInflight, help: 'mutating requests served at once before others get 429 (0: no limit)' },
  'request-timeout': { type: 'string', default: '60s', help: 'the longest a request other than a watch, exec, attach, port-forward, proxy or log may take before a 504 (e.g. 30s, 2m)' },
  'server': { type: 'string', help: 'join the cluster of this running server (https://HOST:PORT): its CA, keys and etcd members are shared (needs --cluster-init or --datastore etcd)' },
  'token': { type: 'string', help: 'with --server: the server token (the first server\'s <data-dir>/token); bootstrap tokens made for agents cannot join servers' },
  'token-file': { type: 'string', help: 'file holding the server token (keeps it out of the process list)' },
  ...hpaFlags,
  ...datastoreFlags,
  ...nodeAgentFlags,
  'help': { type: 'bool', help: 'show this help' },
};

export class StartupError extends Error {}

export interface RunningServer {
  apiServer: ApiServer;
  url: string;
  kubeconfigPath: string;
  /** The embedded agent's node, unless --disable-agent. */
  nodeName?: string;
  stop(): Promise<void>;
}

/** The server's flags, checked and parsed. */
interface ServerSettings {
  dataDir: string;
  port: number;
  bind: string;
  advertise: string;
  serviceCidr: ReturnType<typeof parseCidr>;
  nodePortRange: { min: number; max: number };
  compactionMs: number;
  eventTtlMs: number;
  logRetention: RetentionPolicy;
  /** --history-retention; 0: no history is recorded. */
  historyRetentionMs: number;
  /** How often the metrics API scrapes kubelets; undefined with --disable-metrics-server. */
  metricResolutionMs?: number;
  datastore: DatastoreSettings;
  authorizationModes: AuthorizationMode[];
  /** Static tokens from --token-auth-file. */
  tokens: TokenEntry[];
  anonymousAuth: boolean;
  signingDurationSeconds: number;
  limits: RequestLimitOptions;
  tolerationSeconds: { notReadySeconds: number; unreachableSeconds: number };
  /** Undefined with --disable-controllers. */
  controllers?: { clusterCidr: string; nodeMonitorGracePeriodSeconds: number; serviceLB: boolean; horizontalPodAutoscaler: HorizontalPodAutoscalerOptions };
  /** Undefined with --disable-agent. */
  agent?: ReturnType<typeof nodeAgentSettings>;
  podSecurity: PodSecurityConfig;
  encryption?: EncryptionConfig;
  /** --server and its token: the running server this one joins. */
  join?: { server: string; token: BootstrapToken };
  /** --encryption-provider-config's file. */
  encryptionConfigPath?: string;
  /** Undefined unless both --audit-policy-file and --audit-log-path are given. */
  audit?: { policy: AuditPolicy; path: string; maxAgeDays: number; maxBackups: number; maxSizeMB: number };
}

export async function startServer(args: string[]): Promise<RunningServer | undefined> {
  const flags = commandFlags('server', 'Starts a cluster: the API server and control plane, with this machine as its first node (unless --disable-agent).', args, serverFlags);
  if (!flags) return undefined;
  const settings = serverSettings(flags);
  ensureDataDir(settings.dataDir);
  // `k8ts killall` finds this process here.
  writePidFile(pidFileOf(settings.dataDir));

  const log = logger('apiserver');
  const joinEtcd = settings.join && await joinServer(settings, log);
  const kubernetesServiceIP = nthAddress(settings.serviceCidr, 1);
  const { bind, advertise } = settings;
  const clusterDNSIP = nthAddress(settings.serviceCidr, 10);
  if (settings.agent) settings.agent.clusterDNS ??= [clusterDNSIP];
  const creds = await ensureCredentials({
    dataDir: settings.dataDir,
    dnsNames: [],
    ipAddresses: [advertise, kubernetesServiceIP, ...(bind !== '0.0.0.0' && bind !== '::' ? [bind] : [])],
  });
  const expiring = { prefixes: eventKeyPrefixes(), ttlSeconds: Math.ceil(settings.eventTtlMs / 1000) };
  const datastoreContext = { dataDir: settings.dataDir, ca: creds.ca, advertise, log, expiring, joinEtcd };
  if (settings.datastore.kind === 'embedded-etcd' && settings.datastore.reset) {
    await resetEmbeddedEtcd(embeddedOptions(settings.datastore, datastoreContext), settings.datastore.reset.restorePath);
    removePidFile(pidFileOf(settings.dataDir));
    console.log('Managed etcd cluster membership has been reset, restart without --cluster-reset flag now.');
    return undefined;
  }
  const datastore = await openDatastore(settings.datastore, datastoreContext);
  try {
    return await serveOn(datastore, settings, flags, creds, { kubernetesServiceIP, clusterDNSIP }, log);
  } catch (err) {
    // A failed start leaves nothing running that outlives this process: above all not the embedded etcd.
    await datastore.close().catch(closeErr => log('could not close the datastore after a failed start', { error: (closeErr as Error).message }));
    throw err;
  }
}

/** Everything that runs on the open datastore: the API server, control plane and embedded agent. The caller closes the datastore if this throws. */
async function serveOn(
  datastore: OpenDatastore, settings: ServerSettings, flags: FlagValues, creds: Credentials,
  { kubernetesServiceIP, clusterDNSIP }: { kubernetesServiceIP: string; clusterDNSIP: string }, log: ReturnType<typeof logger>,
): Promise<RunningServer> {
  const { advertise } = settings;
  const store = datastore.store;
  const { apiServer, boundPort } = await startApiServer(settings, creds, store, log);
  await bootstrapCluster(apiServer.registry, { kubernetesServiceIP, securePort: boundPort, clusterDNSIP, ingressClass: !flags['disable-ingress'], localStorageClass: !flags['disable-local-storage'] });
  await ensureNodeBootstrap(apiServer.registry, creds.joinToken);
  await ensureAuthenticationTrust(apiServer.registry, creds.ca.cert, requestHeaderConfig(creds));
  const endpointReconciler = new EndpointReconciler(apiServer.registry, { ip: advertise, port: boundPort, log });
  await endpointReconciler.start();
  const stopHousekeeping = startHousekeeping(settings, store, apiServer, log);
  const serverHost = advertise.includes(':') ? `[${advertise}]` : advertise;
  const url = `https://${serverHost}:${boundPort}`;
  const kubeconfigPath = writeAdminKubeconfig(settings.dataDir, url, creds);
  log('API server ready', { address: url, kubeconfig: kubeconfigPath });
  const stopControlLoops = startControlLoops(settings, writeComponentKubeconfigs(settings.dataDir, url, creds), creds, apiServer.metrics);
  const stopControlPlane = async () => {
    await stopControlLoops();
    stopHousekeeping();
    await endpointReconciler.stop().catch(err => log('could not take this server out of the kubernetes endpoints', { error: (err as Error).message }));
    await apiServer.stop();
  };
  // This machine is the cluster's first node (k3s's embedded agent), reaching the API like any agent.
  let agent: RunningAgent | undefined;
  if (settings.agent) {
    try {
      // The server's own node needs no bootstrap: its certificates are issued here (as k3s does).
      const agentDir = join(settings.dataDir, 'agent');
      const nodeName = settings.agent.nodeName;
      const clients = await ensureClientIdentities(new CertificateStore(agentDir), nodeName, { url, ca: creds.ca.cert },
        identity => issueCertificate(creds.ca, { ...identitySubject(identity, nodeName), usage: 'client' }));
      agent = await startNodeAgent(settings.agent, clients, agentDir);
      await labelControlPlaneNode(apiServer, agent.nodeName);
    } catch (err) {
      await stopControlPlane();
      throw new StartupError(`the node agent did not start (--disable-agent runs the control plane alone): ${(err as Error).message}`);
    }
  }
  return {
    apiServer,
    url,
    kubeconfigPath,
    nodeName: agent?.nodeName,
    async stop() {
      try {
        await agent?.stop();
        await stopControlPlane();
      } finally {
        // Last, and whatever failed before: the embedded etcd has exited when this returns.
        await datastore.close();
        removePidFile(pidFileOf(settings.dataDir));
      }
    },
  };
}

/**
 * The server's own node is labelled control-plane by the server, not by its kubelet: NodeRestriction
 * forbids a node to give itself `node-role.kubernetes.io/` labels (kubeadm labels its control-plane
 * nodes with admin credentials the same way).
 */
async function labelControlPlaneNode(apiServer: ApiServer, nodeName: string): Promise<void> {
  await apiServer.registry.get('', 'nodes').patch(systemContext('system:k8ts-server'), '', nodeName, live => {
    if (!live) throw new StartupError(`node ${nodeName} is not registered`);
    return { ...live, metadata: { ...live.metadata, labels: { ...live.metadata.labels, [CONTROL_PLANE_LABEL]: 'true' } } };
  });
}

/** PodSecurity's configuration from the admission configuration file, or upstream's default without one. */
function podSecuritySettings(file: string | undefined): PodSecurityConfig {
  try {
    return podSecurityConfig(file ? readAdmissionConfig(file).get('PodSecurity') : undefined);
  } catch (err) {
    if (err instanceof AdmissionConfigError) throw new FlagError(`invalid --admission-control-config-file: ${err.message}`);
    throw err;
  }
}

function serverSettings(flags: FlagValues): ServerSettings {
  const dataDir = String(flags['data-dir']);
  const port = Number(flags['https-listen-port']);
  if (port < 0 || port > 65535) throw new FlagError(`invalid value "${port}" for --https-listen-port: must be 0-65535`);
  const bind = String(flags['bind-address']);
  const advertise = String(flags['advertise-address'] ?? (bind === '0.0.0.0' || bind === '::' ? '127.0.0.1' : bind));
  let serviceCidr;
  try {
    serviceCidr = parseCidr(String(flags['service-cidr']));
  } catch (err) {
    throw new FlagError(`invalid value for --service-cidr: ${(err as Error).message}`);
  }
  const range = String(flags['service-node-port-range']).match(/^(\d+)-(\d+)$/);
  if (!range || Number(range[1]) > Number(range[2]) || Number(range[2]) > 65535) {
    throw new FlagError(`invalid value "${flags['service-node-port-range']}" for --service-node-port-range: must be MIN-MAX`);
  }
  let authorizationModes: AuthorizationMode[];
  try {
    authorizationModes = parseAuthorizationModes(String(flags['authorization-mode']));
  } catch (err) {
    if (err instanceof AuthorizationModeError) throw new FlagError(`invalid value for --authorization-mode: ${err.message}`);
    throw err;
  }
  const compactionMs = durationFlagMs(flags, 'etcd-compaction-interval');
  const logRetention = logRetentionPolicy(flags);
  const eventTtlMs = durationFlagMs(flags, 'event-ttl');
  if (eventTtlMs <= 0) throw new FlagError(`invalid value "${flags['event-ttl']}" for --event-ttl: must be a positive duration`);
  const limits = requestLimits(flags);
  const agent = flags['disable-agent'] ? undefined : nodeAgentSettings(flags);
  const podSecurity = podSecuritySettings(flags['admission-control-config-file'] as string | undefined);
  const datastore = datastoreSettings(flags);
  const tolerationSeconds = {
    notReadySeconds: Number(flags['default-not-ready-toleration-seconds']),
    unreachableSeconds: Number(flags['default-unreachable-toleration-seconds']),
  };
  const controllers = flags['disable-controllers'] ? undefined
    : {
      clusterCidr: String(flags['cluster-cidr']), nodeMonitorGracePeriodSeconds: Number(flags['node-monitor-grace-period']), serviceLB: !flags['disable-servicelb'],
      horizontalPodAutoscaler: hpaSettings(flags),
    };
  const metricResolutionMs = flags['disable-metrics-server'] ? undefined : durationFlagMs(flags, 'metric-resolution');
  if (metricResolutionMs !== undefined && metricResolutionMs < 1000) throw new FlagError(`invalid value "${flags['metric-resolution']}" for --metric-resolution: must be at least 1s`);
  return {
    dataDir, port, bind, advertise, serviceCidr, nodePortRange: { min: Number(range[1]), max: Number(range[2]) },
    compactionMs, eventTtlMs, logRetention, historyRetentionMs: durationFlagMs(flags, 'history-retention'), metricResolutionMs, datastore, limits, authorizationModes, tolerationSeconds, controllers, agent, podSecurity,
    tokens: flags['token-auth-file'] ? tokenFile(String(flags['token-auth-file'])) : [], anonymousAuth: flags['anonymous-auth'] !== false,
    signingDurationSeconds: signingDurationSeconds(flags),
    encryption: flags['encryption-provider-config'] === undefined ? undefined : loadEncryptionConfig(String(flags['encryption-provider-config'])),
    encryptionConfigPath: flags['encryption-provider-config'] as string | undefined,
    join: joinSettings(flags, datastore),
    audit: auditSettings(flags),
  };
}

function joinSettings(flags: FlagValues, datastore: DatastoreSettings): ServerSettings['join'] {
  if (flags.server === undefined) {
    if (flags.token !== undefined || flags['token-file'] !== undefined) throw new FlagError('--token and --token-file are for joining: they need --server');
    return undefined;
  }
  const [server] = parseServerList(String(flags.server));
  if (!flags.token === !flags['token-file']) throw new FlagError('--server needs one of --token and --token-file');
  if (datastore.kind !== 'embedded-etcd' && datastore.kind !== 'etcd') throw new FlagError('a joining server shares the cluster\'s state: it needs --cluster-init (an embedded etcd member) or --datastore etcd');
  return { server, token: bootstrapToken(flags.token ? String(flags.token) : readToken(String(flags['token-file']))) };
}

/**
 * Joins the cluster of --server (server-join.ts) unless this data dir joined already, and takes its
 * encryption config when none is given here. Returns the etcd members an embedded member joins.
 */
async function joinServer(settings: ServerSettings, log: ReturnType<typeof logger>): Promise<string[] | undefined> {
  const { join: target, dataDir } = settings;
  let etcdClientUrls: string[] | undefined;
  if (!SHARED_FILES.every(path => existsSync(join(dataDir, path)))) {
    let data: ServerBootstrapData;
    try {
      data = await fetchServerBootstrap(target!.server, target!.token);
      writeServerBootstrap(dataDir, data);
    } catch (err) {
      if (err instanceof JoinError) throw new StartupError(`cannot join ${target!.server}: ${err.message}`);
      throw err;
    }
    log('received the cluster\'s bootstrap data', { server: target!.server });
    etcdClientUrls = data.etcdClientUrls;
  }
  if (settings.encryption === undefined && existsSync(receivedEncryptionConfigPath(dataDir))) {
    settings.encryption = loadEncryptionConfig(receivedEncryptionConfigPath(dataDir));
  }
  if (settings.datastore.kind !== 'embedded-etcd' || etcdClientUrls === undefined) return undefined;
  if (!etcdClientUrls.length) throw new StartupError(`cannot join ${target!.server} with --cluster-init: its state is not in an embedded etcd`);
  return etcdClientUrls;
}

/** What a server hands to a joining one (apiserver/handlers/server-bootstrap.ts). */
function serverBootstrapSource(settings: ServerSettings, creds: Credentials): ServerBootstrapSource {
  return {
    token: formatBootstrapToken(creds.joinToken),
    data: async (): Promise<ServerBootstrapData> => ({
      files: readSharedFiles(settings.dataDir),
      etcdClientUrls: settings.datastore.kind === 'embedded-etcd' ? await votingMemberClientUrls(settings.dataDir) : [],
      encryptionConfig: settings.encryptionConfigPath === undefined ? undefined : readFileSync(settings.encryptionConfigPath, 'utf8'),
    }),
  };
}

async function votingMemberClientUrls(dataDir: string): Promise<string[]> {
  const record = readMemberRecord(dataDir);
  if (!record) return [];
  const client = embeddedEtcdClient(dataDir, record);
  try {
    // A member's loopback URL would reach the joiner's own machine: only members that have no
    // other URL (every server on one machine) are given by it.
    const reachable = (urls: string[]) => {
      const outside = urls.filter(u => !/^https?:\/\/(127\.|\[::1\]|localhost[:/])/.test(u));
      return outside.length ? outside : urls;
    };
    return (await client.memberList()).filter(m => !m.isLearner).flatMap(m => reachable(m.clientURLs));
  } finally {
    client.close();
  }
}

/** As upstream: auditing needs a policy and a log path; without either nothing is recorded. */
function auditSettings(flags: FlagValues): ServerSettings['audit'] {
  for (const name of ['audit-log-maxage', 'audit-log-maxbackup', 'audit-log-maxsize']) {
    if (Number(flags[name]) < 0) throw new FlagError(`--${name} ${flags[name]} can't be a negative number`);
  }
  const policyFile = flags['audit-policy-file'];
  const path = flags['audit-log-path'];
  if (policyFile === undefined || path === undefined) return undefined;
  let policy: AuditPolicy;
  try {
    policy = loadAuditPolicy(String(policyFile));
  } catch (err) {
    if (err instanceof AuditPolicyError) throw new StartupError(`--audit-policy-file: ${err.message}`);
    throw err;
  }
  return {
    policy, path: String(path),
    maxAgeDays: Number(flags['audit-log-maxage']), maxBackups: Number(flags['audit-log-maxbackup']), maxSizeMB: Number(flags['audit-log-maxsize']),
  };
}

function startAuditor(audit: NonNullable<ServerSettings['audit']>): Auditor {
  try {
    const sink = audit.path === '-' ? stdoutSink : new RotatingLogFile(audit.path, audit);
    return new Auditor(audit.policy, sink, logger('audit'));
  } catch (err) {
    throw new StartupError(`--audit-log-path: cannot open ${audit.path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function loadEncryptionConfig(path: string): EncryptionConfig {
  try {
    return EncryptionConfig.load(path);
  } catch (err) {
    if (err instanceof EncryptionConfigError) throw new StartupError(`--encryption-provider-config: ${err.message}`);
    throw err;
  }
}

function requestLimits(flags: FlagValues): RequestLimitOptions {
  const count = (flag: string): number => {
    const n = Number(flags[flag]);
    if (!Number.isInteger(n) || n < 0) throw new FlagError(`invalid value "${flags[flag]}" for --${flag}: must be 0 or more`);
    return n;
  };
  const requestTimeoutMs = durationFlagMs(flags, 'request-timeout');
  if (requestTimeoutMs <= 0) throw new FlagError(`invalid value "${flags['request-timeout']}" for --request-timeout: must be a positive duration`);
  return { maxRequestsInflight: count('max-requests-inflight'), maxMutatingRequestsInflight: count('max-mutating-requests-inflight'), requestTimeoutMs };
}

function ensureDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    throw new StartupError(`data dir ${dataDir} is not writable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

type Credentials = Awaited<ReturnType<typeof ensureCredentials>>;

/** The API server with its strategies and admission plugins, listening (the caller closes the store if it cannot listen). */
async function startApiServer(settings: ServerSettings, creds: Credentials, store: Store, log: ReturnType<typeof logger>): Promise<{ apiServer: ApiServer; boundPort: number }> {
  const { bind, port } = settings;
  const audit = settings.audit && startAuditor(settings.audit);
  const history = settings.historyRetentionMs > 0 ? new HistoryStore(join(settings.dataDir, 'history'), settings.historyRetentionMs) : undefined;
  const apiServer = new ApiServer({
    store,
    logStore: new LogStore(join(settings.dataDir, 'logs', 'logs.db')),
    tls: { cert: creds.serving.cert, key: creds.serving.key, ca: creds.ca.cert },
    joinCA: { caPem: creds.ca.cert },
    serverBootstrap: serverBootstrapSource(settings, creds),
    kubeletClient: creds.kubeletClient,
    serviceAccountKey: creds.serviceAccountKey,
    tokens: settings.tokens,
    anonymousAuth: settings.anonymousAuth,
    authorizer: registry => buildAuthorizer(settings.authorizationModes, registry),
    strategies: strategies({ serviceCidr: settings.serviceCidr, nodePortRange: settings.nodePortRange }),
    admission: (registry, authorizer) => [
      namespaceLifecycle(registry),
      limitRanger(registry),
      serviceAccountAdmission(registry),
      nodeRestriction(registry),
      podSecurityAdmission(registry, settings.podSecurity),
      defaultTolerationSeconds(settings.tolerationSeconds),
      priorityAdmission(registry),
      certificateApproval(authorizer),
      certificateSigning(authorizer),
      certificateSubjectRestriction(),
      defaultIngressClass(registry),
      defaultStorageClass(registry),
      storageObjectInUseProtection(),
      persistentVolumeClaimResize(registry),
      mutatingAdmissionWebhook(registryWebhookSources(registry, 'mutatingwebhookconfigurations', celMatchConditions(celAuthorizeFn(() => authorizer)))),
      validatingAdmissionPolicy(registry, () => authorizer),
      validatingAdmissionWebhook(registryWebhookSources(registry, 'validatingwebhookconfigurations', celMatchConditions(celAuthorizeFn(() => authorizer)))),
      resourceQuotaAdmission(registry),
    ],
    bindAddress: bind,
    port,
    limits: settings.limits,
    log,
    encryption: settings.encryption,
    audit,
    history,
    requestHeader: requestHeaderConfig(creds),
    proxyClient: creds.frontProxyClient,
    metricResolutionMs: settings.metricResolutionMs,
  });
  try {
    return { apiServer, boundPort: await apiServer.start() };
  } catch (err) {
    audit?.close();
    history?.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new StartupError(`port ${port} on ${bind} is already in use`);
    if (code === 'EADDRNOTAVAIL') throw new StartupError(`cannot listen on ${bind}: address not available`);
    if (code === 'EACCES') throw new StartupError(`permission denied listening on ${bind}:${port}`);
    // Stored data written with a key the encryption config no longer has.
    if (err instanceof TransformError) throw new StartupError(`cannot read the stored state (check --encryption-provider-config): ${err.message}`);
    throw err;
  }
}

/** Compaction of the store and expiry of Events; returns what stops both. */
function startHousekeeping(settings: ServerSettings, store: Store, apiServer: ApiServer, log: ReturnType<typeof logger>): () => void {
  // Like kube-apiserver's --etcd-compaction-interval: each run keeps one interval of history.
  const stopCompaction = settings.compactionMs > 0
    ? startAutoCompaction(store, { intervalMs: settings.compactionMs, onError: err => log('compaction failed', { error: err.message }) })
    : undefined;
  // On etcd, Events carry leases. Elsewhere a sweep a tenth of the TTL apart (at most a minute)
  // removes Events close to when upstream's leases would expire them.
  const stopEventExpiry = expiresKeys(settings.datastore) ? undefined : startEventExpiry(apiServer.registry, {
    ttlMs: settings.eventTtlMs, intervalMs: Math.min(60_000, Math.max(1000, settings.eventTtlMs / 10)),
    onError: err => log('event expiry failed', { error: err.message }),
  });
  // A sweep a tenth of the retention apart (at most a minute) removes lines close to their age limit.
  const logStore = apiServer.logStore!;
  const logRetention = setInterval(() => {
    try {
      logStore.enforceRetention(settings.logRetention);
    } catch (err) {
      log('log retention failed', { error: errorMessage(err) });
    }
  }, Math.min(60_000, Math.max(1000, settings.logRetention.maxAgeMs / 10)));
  return () => {
    stopCompaction?.();
    stopEventExpiry?.();
    clearInterval(logRetention);
  };
}

/** The controller manager and the scheduler, each under leader election; returns what stops them. */
/** Embedded, they record their series in the server's registry: its /metrics serves them too. */
function startControlLoops(settings: ServerSettings, identities: { scheduler: ClientConfig; controllerManager: ClientConfig }, creds: Credentials, metrics: MetricsRegistry): () => Promise<void> {
  // The control loops talk to this server over HTTPS like any client (ARCHITECTURE principle 1),
  // each as its own identity; each keeps its own caches (they outlive a lost term of leadership).
  const managerClient = new RestClient(identities.controllerManager, 'kube-controller-manager');
  const schedulerClient = new RestClient(identities.scheduler, 'kube-scheduler');
  const managerInformers = new SharedInformers(managerClient);
  const schedulerInformers = new SharedInformers(schedulerClient);
  const options = settings.controllers;
  // Each controller writes as its own service account (upstream's --use-service-account-credentials).
  const credentials = options ? new ServiceAccountCredentials(managerClient, CONTROLLER_NAMESPACE, 'k8ts-server', logger('controller-manager')) : undefined;
  const queueMetrics = new WorkQueueMetrics(metrics);
  const hpaMonitor = new HpaMetrics(metrics);
  const schedulerMetrics = new SchedulerMetrics(metrics);
  // CSI drivers whose controller socket is on this machine, under the embedded kubelet's plugins dir.
  const csiDrivers = options ? new LocalPluginSockets(join(agentPaths(join(settings.dataDir, 'agent')).kubelet, 'plugins')) : undefined;
  const controllers = !options ? undefined : leaderElected(managerClient, 'kube-controller-manager', true, 15, (() => {
    const manager = new ControllerManager(managerClient, allControllers({
      ...options, caCert: creds.ca.cert, signingCA: creds.ca, signingDurationSeconds: settings.signingDurationSeconds, csiDrivers,
      nodeCollectorMetrics: new NodeCollectorMetrics(metrics),
      horizontalPodAutoscaler: { ...options.horizontalPodAutoscaler, monitor: hpaMonitor },
    }), 'controller-manager', managerInformers, name => credentials!.clientFor(controllerServiceAccount(name)), queueMetrics);
    return { start: () => void manager.start(), stop: () => manager.stop() };
  })());
  const scheduler = !options ? undefined : leaderElected(schedulerClient, 'kube-scheduler', true, 15, (() => {
    let current: Scheduler | undefined;
    return {
      start: () => { current = new Scheduler(schedulerClient, { informers: schedulerInformers, metrics: schedulerMetrics }); void current.start(); },
      stop: () => { void current?.stop(); current = undefined; },
    };
  })());
  return async () => {
    await controllers?.stop();
    csiDrivers?.close();
    await credentials?.stop();
    await scheduler?.stop();
    managerInformers.stop();
    schedulerInformers.stop();
    managerClient.close();
    schedulerClient.close();
  };
}

/** Our own aggregator is the one front proxy, as kubeadm configures kube-apiserver. */
function requestHeaderConfig(creds: Credentials): RequestHeaderConfig {
  return { caPem: creds.frontProxyCA.cert, allowedNames: [FRONT_PROXY_CLIENT_NAME], ...DEFAULT_REQUEST_HEADERS };
}

function tokenFile(path: string): TokenEntry[] {
  try {
    return loadTokenFile(path);
  } catch (err) {
    if (err instanceof TokenFileError) throw new FlagError(`invalid --token-auth-file: ${err.message}`);
    throw err;
  }
}

/** --log-retention and --log-retention-size. */
function logRetentionPolicy(flags: FlagValues): RetentionPolicy {
  const maxAgeMs = durationFlagMs(flags, 'log-retention');
  if (maxAgeMs <= 0) throw new FlagError(`invalid value "${flags['log-retention']}" for --log-retention: must be a positive duration`);
  const size = String(flags['log-retention-size']);
  let maxBytes: number;
  try {
    maxBytes = Number(scaledValue(parseQuantity(size)));
  } catch {
    throw new FlagError(`invalid value "${size}" for --log-retention-size: must be a quantity, e.g. 1Gi`);
  }
  if (maxBytes <= 0) throw new FlagError(`invalid value "${size}" for --log-retention-size: must be positive`);
  return { maxAgeMs, maxBytes };
}
