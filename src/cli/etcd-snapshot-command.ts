// `k8ts etcd-snapshot save|ls|delete|restore`: snapshots of the embedded etcd member of a server
// started with --cluster-init (found through its data dir, as k3s's etcd-snapshot). `restore` needs
// the server stopped; the next `k8ts server --cluster-init` runs the restored data as a one-member
// cluster (the same as `k8ts server --cluster-reset --cluster-reset-restore-path`).
import { rmSync } from 'node:fs';
import { saveSnapshot, restoreSnapshot } from '../storage/etcd/snapshot.js';
import { livePid, pidFileOf } from '../util/pid-file.js';
import { defaultDataDir } from './data-dir.js';
import { embeddedEtcdPaths, stopLeftoverMember } from '../storage/etcd/embedded-paths.js';
import { embeddedEtcdClient, requireMemberRecord } from './embedded-etcd.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';
import { formatSnapshotTable, listSnapshots, newSnapshotPath, ON_DEMAND_NAME, SNAPSHOT_NAME_FLAG, snapshotDir, snapshotPath } from './snapshot-files.js';

export const etcdSnapshotFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'the data dir of the server (started with --cluster-init)' },
  'name': SNAPSHOT_NAME_FLAG,
  'etcd-snapshot-dir': { type: 'string', help: 'directory of the snapshots (default <data-dir>/db/snapshots)' },
  'help': { type: 'bool', help: 'show this help' },
};

const SUMMARY = 'Saves, lists, deletes (`delete NAME...`) or restores snapshots of the embedded etcd of a server started with --cluster-init.';

export async function runEtcdSnapshot(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, etcdSnapshotFlags);
  const [sub, ...names] = rest;
  if (flags.help || !sub) {
    console.log(usage('etcd-snapshot save|ls|delete|restore', SUMMARY, etcdSnapshotFlags));
    return flags.help ? 0 : 1;
  }
  const dataDir = String(flags['data-dir']);
  const dir = snapshotDir(dataDir, flags['etcd-snapshot-dir'] as string | undefined);
  const record = requireMemberRecord(dataDir);
  switch (sub) {
    case 'save': {
      const path = newSnapshotPath(dir, String(flags.name ?? ON_DEMAND_NAME));
      const client = embeddedEtcdClient(dataDir, record);
      try {
        const size = await saveSnapshot(client, path);
        console.log(`Snapshot ${path} saved (${size} bytes).`);
      } finally {
        client.close();
      }
      return 0;
    }
    case 'ls':
    case 'list':
      console.log(formatSnapshotTable(listSnapshots(dir)));
      return 0;
    case 'delete':
    case 'rm':
      if (!names.length) throw new FlagError('delete: name the snapshots to delete');
      for (const name of names) {
        rmSync(snapshotPath(dir, name));
        console.log(`Removed snapshot ${name}`);
      }
      return 0;
    case 'restore': {
      if (flags.name === undefined) throw new FlagError('restore: --name SNAPSHOT is required');
      if (livePid(pidFileOf(dataDir)) !== undefined) throw new FlagError(`the server using ${dataDir} is running: stop it first`);
      await stopLeftoverMember(dataDir);
      const snapshot = snapshotPath(dir, String(flags.name));
      const previous = await restoreSnapshot(snapshot, { name: record.name, peerUrl: record.peerUrls[0], dataDir: embeddedEtcdPaths(dataDir).memberData });
      console.log(`Restored ${snapshot}${previous ? ` (the previous data is kept in ${previous})` : ''}; start the server with --cluster-init.`);
      return 0;
    }
    default:
      throw new FlagError(`unknown etcd-snapshot command "${sub}": must be save, ls, delete or restore`);
  }
}
