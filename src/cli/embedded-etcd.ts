// `k8ts server --cluster-init`: this server runs one etcd member itself (as k3s does) and keeps its
// state there. The member's data is `<data-dir>/etcd`; it serves clients on 127.0.0.1 and the
// advertise address and peers on the advertise address, all over TLS with certificates from the
// cluster CA, requiring client certificates. If the member exits it is started again. On the first
// start over a data dir that holds SQLite state, that state is moved into etcd.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadOrCreate } from '../apiserver/auth/credentials.js';
import { issueCertificate, type PemPair } from '../pki/certificates.js';
import { EtcdClient, type EtcdTls } from '../storage/etcd/client.js';
import { EtcdStore, type EtcdStoreOptions } from '../storage/etcd/etcd-store.js';
import { EtcdMember, type MemberOptions } from '../storage/etcd/member.js';
import { addLearner, promoteWhenInSync, type AddedLearner } from '../storage/etcd/membership.js';
import { restoreSnapshot, saveSnapshot } from '../storage/etcd/snapshot.js';
import type { Schedule } from '../api/cron-schedule.js';
import { FlagError } from './flags.js';
import { startSnapshotSchedule } from './snapshot-schedule.js';
import type { Logger } from '../util/log.js';
import { joinHostPort } from '../util/host-port.js';
import { removePidFile, writePidFile } from '../util/pid-file.js';
import { embeddedEtcdPaths, stopLeftoverMember } from '../storage/etcd/embedded-paths.js';
import type { OpenDatastore } from './datastore.js';
import { moveSqliteIntoEtcd } from './sqlite-to-etcd.js';

const RESTART_DELAY_MS = 1_000;

export interface EmbeddedEtcdOptions {
  dataDir: string;
  ca: PemPair;
  advertise: string;
  clientPort: number;
  peerPort: number;
  log: Logger;
  expiring?: EtcdStoreOptions['expiring'];
  /** Client URLs of a running cluster's members: a member without data joins it (joining server). */
  joinEndpoints?: string[];
}

/** The member's serving/peer certificate and the API server's client certificate, made once. */
async function ensureEtcdCertificates(o: EmbeddedEtcdOptions): Promise<EtcdTls> {
  const p = embeddedEtcdPaths(o.dataDir);
  mkdirSync(p.tlsDir, { recursive: true, mode: 0o700 });
  await loadOrCreate(p.tlsDir, 'server', () => issueCertificate(o.ca, {
    commonName: 'etcd', usage: 'both', dnsNames: ['localhost', hostname()], ipAddresses: [...new Set(['127.0.0.1', o.advertise])],
  }));
  const client = await loadOrCreate(p.tlsDir, 'client', () => issueCertificate(o.ca, { commonName: 'kube-apiserver-etcd-client', usage: 'client' }));
  return { ca: Buffer.from(o.ca.cert), cert: Buffer.from(client.cert), key: Buffer.from(client.key) };
}

/** The member's name: chosen on the first start (host name and a random suffix, as k3s), then kept. */
function memberName(nameFile: string): string {
  if (existsSync(nameFile)) return readFileSync(nameFile, 'utf8').trim();
  const name = `${hostname()}-${Math.random().toString(16).slice(2, 10)}`;
  writeFileSync(nameFile, `${name}\n`, { mode: 0o600 });
  return name;
}

export function embeddedMemberOptions(o: EmbeddedEtcdOptions): MemberOptions {
  const p = embeddedEtcdPaths(o.dataDir);
  mkdirSync(p.dataDir, { recursive: true, mode: 0o700 });
  const loopback = o.advertise === '127.0.0.1';
  return {
    name: memberName(p.nameFile),
    dataDir: p.memberData,
    clientUrls: [`https://127.0.0.1:${o.clientPort}`, ...(loopback ? [] : [`https://${joinHostPort(o.advertise, o.clientPort)}`])],
    peerUrls: [`https://${joinHostPort(o.advertise, o.peerPort)}`],
    tls: { caFile: p.caFile, certFile: p.serverCert, keyFile: p.serverKey },
    logFile: p.logFile,
  };
}

export interface MemberRecord {
  name: string;
  clientUrls: string[];
  peerUrls: string[];
}

/** What the data dir's server last started its member with, or undefined without --cluster-init. */
export function readMemberRecord(dataDir: string): MemberRecord | undefined {
  try {
    return JSON.parse(readFileSync(embeddedEtcdPaths(dataDir).recordFile, 'utf8')) as MemberRecord;
  } catch {
    return undefined;
  }
}

/** The data dir's member record, for the commands that work on it (etcd-snapshot, etcd-member). */
export function requireMemberRecord(dataDir: string): MemberRecord {
  const record = readMemberRecord(dataDir);
  if (!record) throw new FlagError(`no embedded etcd in ${dataDir} (is it the data dir of a server started with --cluster-init?)`);
  return record;
}

/** A client of the data dir's embedded member, with the server's own client certificate. */
export function embeddedEtcdClient(dataDir: string, record: MemberRecord): EtcdClient {
  const p = embeddedEtcdPaths(dataDir);
  return new EtcdClient({ endpoints: [record.clientUrls[0]], tls: { ca: readFileSync(p.caFile), cert: readFileSync(p.clientCert), key: readFileSync(p.clientKey) } });
}

/**
 * `--cluster-reset`: the member becomes a one-member cluster — from the snapshot when one is given
 * (restored with etcdctl), else from its own data (started once with --force-new-cluster, as etcd
 * recovers from lost quorum). The server then exits; the next start runs the new cluster.
 */
export async function resetEmbeddedEtcd(o: EmbeddedEtcdOptions, restorePath?: string): Promise<void> {
  const tls = await ensureEtcdCertificates(o);
  const options = embeddedMemberOptions(o);
  await stopLeftoverMember(o.dataDir);
  if (restorePath !== undefined) {
    const previous = await restoreSnapshot(restorePath, { name: options.name, peerUrl: options.peerUrls[0], dataDir: options.dataDir });
    o.log('etcd restored from snapshot', { snapshot: restorePath, previousData: previous });
  }
  const member = await EtcdMember.start({ ...options, forceNewCluster: restorePath === undefined }, tls);
  await member.stop();
}

/** Registers this member as a learner of the running cluster (membership.ts); the client stays open to promote it. */
async function addAsLearner(client: EtcdClient, options: MemberOptions, log: Logger): Promise<{ client: EtcdClient; learner: AddedLearner }> {
  try {
    const learner = await addLearner(client, options.name, options.peerUrls[0]);
    log('embedded etcd joining the cluster as a learner', { id: learner.id, initialCluster: learner.initialCluster });
    return { client, learner };
  } catch (err) {
    client.close();
    throw err;
  }
}

async function startMember(options: MemberOptions, tls: EtcdTls, pidFile: string): Promise<EtcdMember> {
  const member = await EtcdMember.start(options, tls);
  writePidFile(pidFile, member.pid);
  return member;
}

/** Starts the member, keeps it running, takes scheduled snapshots, and opens the store on it. */
export async function startEmbeddedEtcd(o: EmbeddedEtcdOptions, sqlitePath: string, snapshots?: { schedule: Schedule; retention: number; dir: string }): Promise<OpenDatastore> {
  const tls = await ensureEtcdCertificates(o);
  let memberOptions = embeddedMemberOptions(o);
  const { pidFile } = embeddedEtcdPaths(o.dataDir);
  const leftover = await stopLeftoverMember(o.dataDir);
  if (leftover !== undefined) o.log('stopped the etcd member a previous server left running', { pid: leftover });
  // Joining: only a member that has no data yet is added; later starts run from the member's own data.
  const joining = o.joinEndpoints && !existsSync(join(memberOptions.dataDir, 'member'))
    ? await addAsLearner(new EtcdClient({ endpoints: o.joinEndpoints, tls }), memberOptions, o.log) : undefined;
  if (joining) memberOptions = { ...memberOptions, initialCluster: joining.learner.initialCluster, initialClusterState: 'existing' };
  const record: MemberRecord = { name: memberOptions.name, clientUrls: memberOptions.clientUrls, peerUrls: memberOptions.peerUrls };
  let member: EtcdMember;
  try {
    writeFileSync(embeddedEtcdPaths(o.dataDir).recordFile, `${JSON.stringify(record)}\n`, { mode: 0o600 });
    member = await startMember(memberOptions, tls, pidFile);
  } catch (err) {
    joining?.client.close();
    throw err;
  }
  o.log('embedded etcd started', { pid: member.pid, name: memberOptions.name, client: memberOptions.clientUrls.join(',') });
  let stopping = false;
  const supervise = async (): Promise<void> => {
    while (!stopping) {
      const exit = await member.daemon.exited;
      if (stopping) return;
      o.log('embedded etcd exited; restarting', { exit: String(exit), log: member.daemon.logTail(500) });
      await sleep(RESTART_DELAY_MS);
      try {
        if (stopping) return;
        const restarted = await startMember(memberOptions, tls, pidFile);
        // close() may have come while it started: it stopped the old member and waits for this loop.
        if (stopping) return await restarted.stop();
        member = restarted;
      } catch (err) {
        o.log('embedded etcd did not start', { error: (err as Error).message });
      }
    }
  };
  const supervision = supervise();
  // From here on every failure stops the member before the error goes on: no member outlives a failed start.
  let store: EtcdStore;
  let snapshotClient: EtcdClient | undefined;
  let stopSnapshots: (() => void) | undefined;
  try {
    if (joining) {
      await promoteWhenInSync(joining.client, joining.learner.id);
      o.log('embedded etcd joined the cluster as a voting member', { id: joining.learner.id });
    }
    store = await EtcdStore.open(new EtcdClient({ endpoints: [memberOptions.clientUrls[0]], tls }), { expiring: o.expiring });
    const moved = await moveSqliteIntoEtcd(sqlitePath, store);
    if (moved !== undefined) o.log('moved the SQLite state into etcd', { objects: moved, sqlite: `${sqlitePath} (renamed ${sqlitePath}.migrated)` });
    snapshotClient = snapshots && embeddedEtcdClient(o.dataDir, record);
    stopSnapshots = snapshots && startSnapshotSchedule({ ...snapshots, save: path => saveSnapshot(snapshotClient!, path), log: o.log });
  } catch (err) {
    snapshotClient?.close();
    stopping = true;
    await member.stop();
    await supervision;
    removePidFile(pidFile);
    throw err;
  } finally {
    joining?.client.close();
  }
  return {
    store,
    async close() {
      try {
        stopSnapshots?.();
        snapshotClient?.close();
        await store.close();
      } finally {
        // Whatever failed above, the member is stopped and has exited before close() returns.
        stopping = true;
        await member.stop();
        await supervision;
        removePidFile(pidFile);
      }
    },
  };
}
