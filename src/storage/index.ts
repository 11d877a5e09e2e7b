// Opening a store by kind: SQLite (durable, the default) or memory.
import { MemoryStore } from './memory.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.js';
import type { Store } from './types.js';

export * from './types.js';
export { startAutoCompaction, type AutoCompactionOptions } from './auto-compaction.js';

export type StoreKind = 'sqlite' | 'memory';

export async function openStore(kind: StoreKind, path?: string, opts: SqliteStoreOptions = {}): Promise<Store> {
  if (kind === 'memory') return new MemoryStore();
  if (!path) throw new Error('the sqlite store needs a path');
  return SqliteStore.open(path, opts);
}
