// Snapshot files of a server's state (etcd or SQLite), as k3s names and keeps them: in
// `<data-dir>/db/snapshots` (or --etcd-snapshot-dir), named `<name>-<node>-<unix seconds>`, where
// the name is `on-demand` for `save` and `etcd-snapshot` for scheduled ones; retention keeps the
// newest N scheduled snapshots.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { formatColumns } from '../util/columns.js';
import type { FlagSpec } from './flags.js';

export const ON_DEMAND_NAME = 'on-demand';
export const SCHEDULED_NAME = 'etcd-snapshot';

/** --name of `k8ts snapshot` and `k8ts etcd-snapshot`. */
export const SNAPSHOT_NAME_FLAG: FlagSpec = {
  type: 'string', help: `save: the snapshot's name prefix (default "${ON_DEMAND_NAME}"); restore: the snapshot (a name in the snapshot dir, or a path)`,
};

export interface SnapshotFile {
  name: string;
  path: string;
  size: number;
  createdMs: number;
}

export function snapshotDir(dataDir: string, override?: string): string {
  return override ?? join(dataDir, 'db', 'snapshots');
}

/** A new snapshot's path in `dir`. */
export function newSnapshotPath(dir: string, name: string, nowMs = Date.now()): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, `${name}-${hostname()}-${Math.floor(nowMs / 1000)}`);
}

/** A snapshot given by name (in `dir`) or by path. */
export function snapshotPath(dir: string, nameOrPath: string): string {
  return isAbsolute(nameOrPath) || nameOrPath.includes('/') ? nameOrPath : join(dir, nameOrPath);
}

/** The snapshots in `dir`, oldest first. */
export function listSnapshots(dir: string): SnapshotFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(name => !name.endsWith('.part'))
    .map(name => {
      const path = join(dir, name);
      const st = statSync(path);
      return { name, path, size: st.size, createdMs: st.mtimeMs };
    })
    .sort((a, b) => a.createdMs - b.createdMs || a.name.localeCompare(b.name));
}

/** Deletes the oldest snapshots named `<name>-...` beyond the newest `retention`; returns their names. */
export function pruneSnapshots(dir: string, name: string, retention: number): string[] {
  const mine = listSnapshots(dir).filter(s => s.name.startsWith(`${name}-`));
  const doomed = mine.slice(0, Math.max(0, mine.length - retention));
  for (const s of doomed) rmSync(s.path, { force: true });
  return doomed.map(s => s.name);
}

/** `k8ts etcd-snapshot ls` / `k8ts snapshot ls` output, as k3s's table. */
export function formatSnapshotTable(files: SnapshotFile[]): string {
  return formatColumns([['Name', 'Location', 'Size', 'Created'], ...files.map(f => [f.name, `file://${f.path}`, String(f.size), new Date(f.createdMs).toISOString().replace(/\.\d+Z$/, 'Z')])]);
}
