// Moving a SQLite cluster into etcd (`k8ts server --cluster-init` over a data dir that has SQLite
// state, as k3s does): every current key is written to etcd with its stored value unchanged, so
// every object keeps its uid, creation time and everything else; only resourceVersions change
// (they are etcd's revisions from now on). It happens once: the SQLite file is then renamed.
import { existsSync, renameSync } from 'node:fs';
import { SqliteStore } from '../storage/sqlite/sqlite-store.js';
import { prefixEnd, StorageError, type Store } from '../storage/types.js';

const PARALLEL_WRITES = 64;

/** Returns how many keys moved, or undefined when there was nothing to move. */
export async function moveSqliteIntoEtcd(sqlitePath: string, etcd: Store): Promise<number | undefined> {
  if (!existsSync(sqlitePath)) return undefined;
  const existing = await etcd.range('/', prefixEnd('/'), { countOnly: true });
  if (existing.count > 0) {
    throw new StorageError(`both ${sqlitePath} and etcd hold cluster state: move one of them away (etcd already has ${existing.count} keys)`);
  }
  const sqlite = SqliteStore.open(sqlitePath);
  let moved = 0;
  try {
    const { kvs } = await sqlite.range('/', prefixEnd('/'));
    for (let i = 0; i < kvs.length; i += PARALLEL_WRITES) {
      await Promise.all(kvs.slice(i, i + PARALLEL_WRITES).map(kv => etcd.create(kv.key, kv.value)));
      moved += Math.min(PARALLEL_WRITES, kvs.length - i);
    }
  } finally {
    await sqlite.close();
  }
  // Kept for the user (not deleted), but never moved twice.
  renameSync(sqlitePath, `${sqlitePath}.migrated`);
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(sqlitePath + suffix)) renameSync(sqlitePath + suffix, `${sqlitePath}.migrated${suffix}`);
  }
  return moved;
}
