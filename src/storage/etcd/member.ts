// Runs one etcd member: Debian's `etcd` (3.4) as a child process with its flags spelled as etcd's
// own, its log in a file, stopped by its PID, and killed by the kernel if its parent dies first.
// Used by `k8ts server --cluster-init` for its embedded member and by the tests that need a real etcd.
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Daemon } from '../../util/daemon.js';
import { StorageError } from '../types.js';
import { EtcdClient, EtcdError, type EtcdTls } from './client.js';

/** etcd's ErrGRPCNotSupportedForLearner. */
const LEARNER_REFUSAL = 'rpc not supported for learner';

export const ETCD_BIN = process.env.K8TS_ETCD ?? '/usr/bin/etcd';

/** Certificate files a member serves and verifies with (client and peer alike, as k3s's). */
export interface MemberTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

export interface MemberOptions {
  name: string;
  dataDir: string;
  /** URLs clients reach this member on (listened on and advertised). */
  clientUrls: string[];
  /** URLs other members reach this member on. */
  peerUrls: string[];
  /** `name=peerURL,...`; absent: this member alone. */
  initialCluster?: string;
  /** 'new' (the default) or 'existing' (joining a running cluster). */
  initialClusterState?: 'new' | 'existing';
  /** Client and peer TLS; client certificates are required when given. */
  tls?: MemberTlsFiles;
  /** Start a one-member cluster from this member's data, dropping the others (etcd's --force-new-cluster). */
  forceNewCluster?: boolean;
  logFile: string;
}

/** etcd's command line for these options. */
export function memberArgs(o: MemberOptions): string[] {
  const args = [
    '--name', o.name,
    '--data-dir', o.dataDir,
    '--listen-client-urls', o.clientUrls.join(','),
    '--advertise-client-urls', o.clientUrls.join(','),
    '--listen-peer-urls', o.peerUrls.join(','),
    '--initial-advertise-peer-urls', o.peerUrls.join(','),
    '--initial-cluster', o.initialCluster ?? `${o.name}=${o.peerUrls[0]}`,
    '--initial-cluster-state', o.initialClusterState ?? 'new',
    // As k3s runs its members: a watcher of a quiet key range learns the current revision every 5 s.
    '--experimental-watch-progress-notify-interval', '5s',
  ];
  if (o.tls) {
    const { caFile, certFile, keyFile } = o.tls;
    args.push(
      '--client-cert-auth', '--trusted-ca-file', caFile, '--cert-file', certFile, '--key-file', keyFile,
      '--peer-client-cert-auth', '--peer-trusted-ca-file', caFile, '--peer-cert-file', certFile, '--peer-key-file', keyFile,
    );
  }
  if (o.forceNewCluster) args.push('--force-new-cluster');
  return args;
}

export class EtcdMember {
  private constructor(readonly daemon: Daemon, readonly options: MemberOptions) {}

  /** Starts the member and waits until it answers on its first client URL (a learner: until it refuses as one). */
  static async start(o: MemberOptions, tls?: EtcdTls, readyTimeoutMs = 30_000): Promise<EtcdMember> {
    mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
    const daemon = Daemon.start({ command: ETCD_BIN, args: memberArgs(o), logFile: o.logFile, dieWithParent: true });
    const member = new EtcdMember(daemon, o);
    try {
      await member.waitReady(tls, readyTimeoutMs);
    } catch (err) {
      await daemon.stop(2_000);
      throw err;
    }
    return member;
  }

  get pid(): number { return this.daemon.pid; }

  stop(graceMs = 10_000): Promise<void> {
    return this.daemon.stop(graceMs);
  }

  private async waitReady(tls: EtcdTls | undefined, timeoutMs: number): Promise<void> {
    const client = new EtcdClient({ endpoints: [this.options.clientUrls[0]], tls, requestTimeoutMs: 2_000 });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        if (!this.daemon.running) throw new StorageError(`etcd exited: ${this.daemon.logTail(2000)}`);
        try {
          await client.range({ key: Buffer.from([0]) });
          return;
        } catch (err) {
          // A learner refuses linearizable reads until promoted: that answer is its own, so it is up.
          if (err instanceof EtcdError && err.details.includes(LEARNER_REFUSAL)) return;
          if (Date.now() > deadline) throw new StorageError(`etcd did not answer within ${timeoutMs} ms: ${(err as Error).message}`);
          await sleep(100);
        }
      }
    } finally {
      client.close();
    }
  }
}

/**
 * A port nobody listens on right now on `host` (for a member's URLs; etcd cannot take port 0).
 * Chosen below the kernel's ephemeral range (ip_local_port_range starts at 32768), so the outgoing
 * connections of other processes cannot take it before etcd binds it; a port that is in use is
 * skipped.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (;;) {
    const port = FREE_PORT_LOW + Math.floor(Math.random() * (FREE_PORT_HIGH - FREE_PORT_LOW));
    if (await canListen(host, port)) return port;
  }
}

const FREE_PORT_LOW = 20_000;
const FREE_PORT_HIGH = 32_000;

/** Whether a listener could bind `host:port` right now (nobody else holds it). */
export function canListen(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
