// containerd's config.toml for a k8ts node: every path under one directory so several nodes (and
// test runs) can share a machine, and the CRI settings these machines need (see
// docs RUNTIME-NOTES: restrict_oom_score_adj, overlayfs, runc v2, CNI from /usr/lib/cni).
import { join } from 'node:path';
import { PAUSE_IMAGE } from '../images/builtin.js';

/** Where one containerd instance keeps everything, all under `dir`. */
export interface ContainerdPaths {
  dir: string;
  /** Persistent data: content store, snapshots, metadata. */
  root: string;
  /** Runtime state: sockets, task bundles, runc state, sandbox netns mounts. */
  state: string;
  /** runc's state root (one subdirectory per containerd namespace). */
  runcRoot: string;
  /** The gRPC (CRI) socket. */
  socket: string;
  config: string;
  log: string;
}

export function containerdPaths(dir: string): ContainerdPaths {
  return {
    dir,
    root: join(dir, 'root'),
    state: join(dir, 'state'),
    runcRoot: join(dir, 'state', 'runc'),
    socket: join(dir, 'containerd.sock'),
    config: join(dir, 'config.toml'),
    log: join(dir, 'containerd.log'),
  };
}

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  /** Directory of the CNI network config (the node writes its conflist there). */
  cniConfDir: string;
  cniBinDir?: string;
  sandboxImage?: string;
  /** Registry host → mirror endpoints, e.g. { 'k8ts.local': 'http://10.0.0.1:5000' }. */
  registryMirrors?: Record<string, string | string[]>;
  /** Where the CRI streaming server (exec/attach/port-forward URLs) listens. */
  streamServerAddress?: string;
  /** '0' picks a free port. */
  streamServerPort?: number;
}

export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';

// Snapshotters for filesystems we never use; they would only probe and log errors. (The v1 runtime
// stays: containerd 1.6's tasks service, and so CRI, refuses to load without it.)
const DISABLED_PLUGINS = [
  'io.containerd.snapshotter.v1.aufs',
  'io.containerd.snapshotter.v1.btrfs',
  'io.containerd.snapshotter.v1.devmapper',
  'io.containerd.snapshotter.v1.zfs',
];

export function renderContainerdConfig(opts: ContainerdConfigOptions): string {
  const { paths } = opts;
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const lines = [
    'version = 2',
    `root = ${str(paths.root)}`,
    `state = ${str(paths.state)}`,
    `disabled_plugins = ${strList(DISABLED_PLUGINS)}`,
    '',
    '[grpc]',
    `  address = ${str(paths.socket)}`,
    '',
    `[${cri}]`,
    `  sandbox_image = ${str(opts.sandboxImage ?? PAUSE_IMAGE)}`,
    // Without CAP_SYS_RESOURCE a negative oom_score_adj (containerd gives sandboxes -998) is refused
    // and runc fails; clamp to our own score instead.
    '  restrict_oom_score_adj = true',
    // Pod network namespaces under our state dir, not the machine-wide /var/run/netns, so that
    // cleanup after a crash finds exactly this instance's.
    '  netns_mounts_under_state_dir = true',
    `  stream_server_address = ${str(opts.streamServerAddress ?? '127.0.0.1')}`,
    `  stream_server_port = ${str(String(opts.streamServerPort ?? 0))}`,
    '  enable_tls_streaming = false',
    '',
    `[${cri}.containerd]`,
    '  snapshotter = "overlayfs"',
    '  default_runtime_name = "runc"',
    '',
    `[${cri}.containerd.runtimes.runc]`,
    '  runtime_type = "io.containerd.runc.v2"',
    '',
    // runc's own state defaults to the machine-wide /run/containerd/runc; keep it per instance.
    `[${cri}.containerd.runtimes.runc.options]`,
    `  Root = ${str(paths.runcRoot)}`,
    '',
    `[${cri}.cni]`,
    `  bin_dir = ${str(opts.cniBinDir ?? DEFAULT_CNI_BIN_DIR)}`,
    `  conf_dir = ${str(opts.cniConfDir)}`,
  ];
  for (const [host, endpoints] of Object.entries(opts.registryMirrors ?? {})) {
    lines.push('', `[${cri}.registry.mirrors.${str(host)}]`, `  endpoint = ${strList(typeof endpoints === 'string' ? [endpoints] : endpoints)}`);
  }
  return lines.join('\n') + '\n';
}

// A JSON string is a valid TOML basic string (same quotes and escapes).
function str(value: string): string {
  return JSON.stringify(value);
}

function strList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}
