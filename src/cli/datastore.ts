// Which store the server keeps its state in, from its flags: SQLite under the data dir (the
// default), memory, an external etcd cluster (--datastore etcd --etcd-servers), or an embedded etcd
// member this server starts and supervises (--cluster-init).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PemPair } from '../pki/certificates.js';
import { EtcdClient, type EtcdTls } from '../storage/etcd/client.js';
import { EtcdStore } from '../storage/etcd/etcd-store.js';
import { openStore, type Store } from '../storage/index.js';
import type { Logger } from '../util/log.js';
import { startEmbeddedEtcd, type EmbeddedEtcdOptions } from './embedded-etcd.js';
import { FlagError, type FlagSpec, type FlagValues } from './flags.js';
import { CronSyntaxError, parseSchedule, type Schedule } from '../api/cron-schedule.js';
import { snapshotDir } from './snapshot-files.js';

export const datastoreFlags: Record<string, FlagSpec> = {
  'datastore': { type: 'string', default: 'sqlite', help: 'state store: sqlite, memory or etcd (--etcd-servers, or the embedded member of --cluster-init)' },
  'etcd-servers': { type: 'string', help: 'comma-separated client URLs of an external etcd cluster (https://host:2379,...), with --datastore etcd' },
  'etcd-cafile': { type: 'string', help: 'CA bundle that signed the etcd servers\' certificates' },
  'etcd-certfile': { type: 'string', help: 'client certificate presented to etcd' },
  'etcd-keyfile': { type: 'string', help: 'key of --etcd-certfile' },
  'cluster-init': { type: 'bool', default: false, help: 'run an embedded etcd member (data under <data-dir>/etcd, TLS from the cluster CA) and keep state there; an existing SQLite state is moved into it once' },
  'etcd-client-port': { type: 'int', default: 2379, help: 'client port of the embedded etcd member (127.0.0.1 and the advertise address)' },
  'etcd-peer-port': { type: 'int', default: 2380, help: 'peer port of the embedded etcd member (the advertise address)' },
  'etcd-snapshot-schedule-cron': { type: 'string', default: '0 */12 * * *', help: 'when the embedded etcd is snapshotted (cron spec)' },
  'etcd-snapshot-retention': { type: 'int', default: 5, help: 'scheduled snapshots kept (the oldest beyond this are deleted)' },
  'etcd-snapshot-dir': { type: 'string', help: 'directory of the snapshots (default <data-dir>/db/snapshots)' },
  'etcd-disable-snapshots': { type: 'bool', default: false, help: 'take no scheduled snapshots' },
  'cluster-reset': { type: 'bool', default: false, help: 'with --cluster-init: make the embedded member a one-member cluster (from its own data after lost quorum, or from --cluster-reset-restore-path), then exit' },
  'cluster-reset-restore-path': { type: 'string', help: 'with --cluster-reset: the snapshot to restore' },
};

export type DatastoreSettings =
  | { kind: 'sqlite' } | { kind: 'memory' }
  | { kind: 'etcd'; endpoints: string[]; caFile?: string; certFile?: string; keyFile?: string }
  | { kind: 'embedded-etcd'; clientPort: number; peerPort: number; snapshots?: SnapshotSettings; reset?: { restorePath?: string } };

export interface SnapshotSettings {
  schedule: Schedule;
  retention: number;
  dir?: string;
}

export function datastoreSettings(flags: FlagValues): DatastoreSettings {
  const kind = String(flags.datastore);
  if (kind !== 'sqlite' && kind !== 'memory' && kind !== 'etcd') throw new FlagError(`invalid value "${kind}" for --datastore: must be sqlite, memory or etcd`);
  const servers = flags['etcd-servers'] as string | undefined;
  const restorePath = flags['cluster-reset-restore-path'] as string | undefined;
  if (restorePath !== undefined && !flags['cluster-reset']) throw new FlagError('--cluster-reset-restore-path needs --cluster-reset');
  if (flags['cluster-reset'] && !flags['cluster-init']) throw new FlagError('--cluster-reset resets the embedded etcd: it needs --cluster-init');
  if (flags['cluster-init']) {
    if (servers !== undefined) throw new FlagError('--cluster-init runs its own etcd member: it cannot be used with --etcd-servers');
    if (kind === 'memory') throw new FlagError('--cluster-init keeps state in etcd: it cannot be used with --datastore memory');
    const port = (name: string) => {
      const n = Number(flags[name]);
      if (n < 1 || n > 65535) throw new FlagError(`invalid value "${n}" for --${name}: must be 1-65535`);
      return n;
    };
    return {
      kind: 'embedded-etcd', clientPort: port('etcd-client-port'), peerPort: port('etcd-peer-port'),
      snapshots: flags['etcd-disable-snapshots'] ? undefined : snapshotSettings(flags),
      reset: flags['cluster-reset'] ? { restorePath } : undefined,
    };
  }
  if (kind !== 'etcd') {
    if (servers !== undefined) throw new FlagError('--etcd-servers needs --datastore etcd');
    return { kind };
  }
  const endpoints = (servers ?? '').split(',').map(s => s.trim()).filter(Boolean);
  if (!endpoints.length) throw new FlagError('--datastore etcd needs --etcd-servers (or --cluster-init for an embedded member)');
  for (const url of endpoints) {
    if (!/^https?:\/\/[^/]+\/?$/.test(url)) throw new FlagError(`invalid value "${url}" in --etcd-servers: must be http(s)://host:port`);
  }
  const file = (name: string) => flags[name] as string | undefined;
  const [caFile, certFile, keyFile] = [file('etcd-cafile'), file('etcd-certfile'), file('etcd-keyfile')];
  if (endpoints.some(u => u.startsWith('https:')) && !caFile) throw new FlagError('https --etcd-servers need --etcd-cafile');
  if ((certFile === undefined) !== (keyFile === undefined)) throw new FlagError('--etcd-certfile and --etcd-keyfile go together');
  return { kind: 'etcd', endpoints, caFile, certFile, keyFile };
}

function snapshotSettings(flags: FlagValues): SnapshotSettings {
  const spec = String(flags['etcd-snapshot-schedule-cron']);
  let schedule: Schedule;
  try {
    schedule = parseSchedule(spec);
  } catch (err) {
    if (err instanceof CronSyntaxError) throw new FlagError(`invalid value "${spec}" for --etcd-snapshot-schedule-cron: ${err.message}`);
    throw err;
  }
  const retention = Number(flags['etcd-snapshot-retention']);
  if (retention < 1) throw new FlagError(`invalid value "${retention}" for --etcd-snapshot-retention: must be at least 1`);
  return { schedule, retention, dir: flags['etcd-snapshot-dir'] as string | undefined };
}

export interface OpenDatastore {
  store: Store;
  /** Closes the store, then stops what it runs on (the embedded member). */
  close(): Promise<void>;
}

export interface DatastoreContext {
  dataDir: string;
  ca: PemPair;
  advertise: string;
  log: Logger;
  /** Keys etcd expires with a lease (Events under --event-ttl); SQLite and memory leave them to a sweep. */
  expiring: { prefixes: string[]; ttlSeconds: number };
  /** Client URLs of the etcd members of the cluster this server joins (k8ts server --server). */
  joinEtcd?: string[];
}

/** Whether the store expires keys itself (etcd leases) rather than needing the Event sweep. */
export function expiresKeys(s: DatastoreSettings): boolean {
  return s.kind === 'etcd' || s.kind === 'embedded-etcd';
}

export async function openDatastore(s: DatastoreSettings, ctx: DatastoreContext): Promise<OpenDatastore> {
  if (s.kind === 'sqlite' || s.kind === 'memory') {
    const store = await openStore(s.kind, sqlitePath(ctx.dataDir));
    return { store, close: () => store.close() };
  }
  if (s.kind === 'etcd') {
    const tls: EtcdTls | undefined = s.caFile === undefined ? undefined : {
      ca: readTlsFile(s.caFile, 'etcd-cafile'),
      cert: s.certFile === undefined ? undefined : readTlsFile(s.certFile, 'etcd-certfile'),
      key: s.keyFile === undefined ? undefined : readTlsFile(s.keyFile, 'etcd-keyfile'),
    };
    const store = await EtcdStore.open(new EtcdClient({ endpoints: s.endpoints, tls }), { expiring: ctx.expiring });
    return { store, close: () => store.close() };
  }
  return startEmbeddedEtcd(embeddedOptions(s, ctx), sqlitePath(ctx.dataDir), s.snapshots && { ...s.snapshots, dir: snapshotDir(ctx.dataDir, s.snapshots.dir) });
}

export function embeddedOptions(s: { clientPort: number; peerPort: number }, ctx: DatastoreContext): EmbeddedEtcdOptions {
  return { dataDir: ctx.dataDir, ca: ctx.ca, advertise: ctx.advertise, clientPort: s.clientPort, peerPort: s.peerPort, log: ctx.log, expiring: ctx.expiring, joinEndpoints: ctx.joinEtcd };
}

/** Where the SQLite store lives (and where --cluster-init looks for state to move into etcd). */
export function sqlitePath(dataDir: string): string {
  return join(dataDir, 'db', 'state.db');
}

function readTlsFile(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new FlagError(`--${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}
