// etcd snapshots: saving one from a running member through the Maintenance API (the file etcdctl
// writes: the backend database with etcd's SHA-256 appended), and restoring one into a new data dir
// with Debian's etcdctl (3.4's `snapshot restore`), which makes it a one-member cluster.
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { runCommand } from '../../util/command.js';
import { StorageError } from '../types.js';
import type { EtcdClient } from './client.js';

export const ETCDCTL_BIN = process.env.K8TS_ETCDCTL ?? '/usr/bin/etcdctl';

/** Writes a snapshot of the member `client` talks to into `path` (atomically); returns its size. */
export async function saveSnapshot(client: EtcdClient, path: string): Promise<number> {
  const partial = `${path}.part`;
  let size = 0;
  const blobs = new Transform({
    writableObjectMode: true,
    transform(chunk: { blob: Buffer }, _enc, done) {
      size += chunk.blob.length;
      done(null, chunk.blob);
    },
  });
  try {
    await pipeline(client.snapshotStream(), blobs, createWriteStream(partial, { mode: 0o600 }));
  } catch (err) {
    rmSync(partial, { force: true });
    throw new StorageError(`etcd snapshot failed: ${(err as Error).message}`);
  }
  renameSync(partial, path);
  return size;
}

export interface RestoreTarget {
  /** The member's name and peer URL: the restored data is a cluster of that one member. */
  name: string;
  peerUrl: string;
  /** The member's data dir (replaced; the old one is kept beside it). */
  dataDir: string;
}

/** Restores `snapshot` as the member's data; returns where the previous data was moved (if any). */
export async function restoreSnapshot(snapshot: string, t: RestoreTarget): Promise<string | undefined> {
  if (!existsSync(snapshot)) throw new StorageError(`snapshot ${snapshot} does not exist`);
  const restoring = `${t.dataDir}.restoring`;
  rmSync(restoring, { recursive: true, force: true });
  const r = await runCommand(ETCDCTL_BIN, [
    'snapshot', 'restore', snapshot, '--name', t.name, '--data-dir', restoring,
    '--initial-cluster', `${t.name}=${t.peerUrl}`, '--initial-advertise-peer-urls', t.peerUrl,
  ]);
  if (r.code !== 0) {
    rmSync(restoring, { recursive: true, force: true });
    throw new StorageError(`etcdctl snapshot restore failed: ${(r.stderr || r.stdout).trim()}`);
  }
  let previous: string | undefined;
  if (existsSync(t.dataDir)) {
    previous = `${t.dataDir}.old-${Date.now()}`;
    renameSync(t.dataDir, previous);
  }
  renameSync(restoring, t.dataDir);
  return previous;
}
