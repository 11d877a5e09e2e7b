// `k8ts snapshot save|ls|restore`: snapshots of a server's SQLite state (the default datastore).
// `save` works while the server runs (SQLite's online backup API); `restore` needs it stopped.
import { backupSqlite, restoreSqlite } from '../storage/sqlite/backup.js';
import { livePid, pidFileOf } from '../util/pid-file.js';
import { defaultDataDir } from './data-dir.js';
import { sqlitePath } from './datastore.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';
import { formatSnapshotTable, listSnapshots, newSnapshotPath, ON_DEMAND_NAME, SNAPSHOT_NAME_FLAG, snapshotDir, snapshotPath } from './snapshot-files.js';

export const snapshotFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'the data dir of the server' },
  'name': SNAPSHOT_NAME_FLAG,
  'snapshot-dir': { type: 'string', help: 'directory of the snapshots (default <data-dir>/db/snapshots)' },
  'help': { type: 'bool', help: 'show this help' },
};

const SUMMARY = 'Saves, lists or restores snapshots of the SQLite state of a server (restore: with the server stopped).';

export async function runSqliteSnapshot(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, snapshotFlags);
  const [sub, ...extra] = rest;
  if (flags.help || !sub) {
    console.log(usage('snapshot save|ls|restore', SUMMARY, snapshotFlags));
    return flags.help ? 0 : 1;
  }
  if (extra.length) throw new FlagError(`unexpected argument: ${extra[0]}`);
  const dataDir = String(flags['data-dir']);
  const dir = snapshotDir(dataDir, flags['snapshot-dir'] as string | undefined);
  switch (sub) {
    case 'save': {
      const path = newSnapshotPath(dir, String(flags.name ?? ON_DEMAND_NAME));
      const size = await backupSqlite(sqlitePath(dataDir), path);
      console.log(`Snapshot ${path} saved (${size} bytes).`);
      return 0;
    }
    case 'ls':
    case 'list':
      console.log(formatSnapshotTable(listSnapshots(dir)));
      return 0;
    case 'restore': {
      if (flags.name === undefined) throw new FlagError('restore: --name SNAPSHOT is required');
      if (livePid(pidFileOf(dataDir)) !== undefined) throw new FlagError(`the server using ${dataDir} is running: stop it first`);
      const snapshot = snapshotPath(dir, String(flags.name));
      const previous = restoreSqlite(snapshot, sqlitePath(dataDir));
      console.log(`Restored ${snapshot}${previous ? ` (the previous state is kept in ${previous})` : ''}.`);
      return 0;
    }
    default:
      throw new FlagError(`unknown snapshot command "${sub}": must be save, ls or restore`);
  }
}
