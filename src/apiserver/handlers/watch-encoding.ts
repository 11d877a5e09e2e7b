// How a watch stream's lines are written: `{"type":...,"object":...}` and a newline, the object as
// stored (the cached JSON), as PartialObjectMetadata, or as Table rows whose column definitions go
// out with the first row only; and the BOOKMARK object, which carries just a resourceVersion (and
// annotations). Lines are bytes, ready for the socket.
import type { KubeObject } from '../../api/object.js';
import type { Negotiated } from '../http/negotiate.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { CachedObject } from '../registry/watch-cache.js';
import { buildTable } from '../tables/index.js';
import type { Printer } from '../tables/types.js';
import { cachedJson, partialMetadata, type IncludeObject } from './render.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/**
 * Lines of recent events with their objects as stored: every watcher of a resource sends the same
 * bytes for an event, so the line is made (and UTF-8 encoded) once, not once per watcher. Only the
 * most recent are kept; one missing is made again.
 */
const RECENT_LINES = 4096;
const storedLines = new Map<CachedObject, Partial<Record<WatchEventType, Buffer>>>();

/** The bytes of one watch line. */
export function watchLine(type: WatchEventType, objectJson: string): Buffer {
  return Buffer.from(`{"type":"${type}","object":${objectJson}}\n`);
}

export class WatchEncoder {
  private tableHeaderSent = false;

  /**
   * @param shared the cached objects are the store's own (not converted for this watch), so lines
   *   of objects as stored are shared with other watchers.
   */
  constructor(private readonly info: GenericStore['info'], private readonly neg: Negotiated, private readonly includeObject: IncludeObject, private readonly printer: Printer | undefined, private readonly shared: boolean) {}

  /**
   * `c`'s line. `recent`: an event's object, which other watchers send too; a watch's initial
   * objects are not (kept, they would push the recent events' lines out).
   */
  line(type: WatchEventType, c: CachedObject, recent = true): Buffer {
    if (this.neg.transform === 'Table') {
      const table = buildTable(this.info.group, this.info.resource, [c.object], { includeObject: this.includeObject, printer: this.printer });
      if (this.tableHeaderSent) table.columnDefinitions = [];
      this.tableHeaderSent = true;
      return watchLine(type, JSON.stringify(table));
    }
    if (this.neg.transform !== 'none') return watchLine(type, JSON.stringify(partialMetadata(c.object)));
    if (!this.shared || !recent) return watchLine(type, cachedJson(c));
    let lines = storedLines.get(c);
    if (!lines) {
      storedLines.set(c, (lines = {}));
      if (storedLines.size > RECENT_LINES) storedLines.delete(storedLines.keys().next().value!);
    }
    return (lines[type] ??= watchLine(type, cachedJson(c)));
  }

  bookmark(revision: number, annotations?: Record<string, string>): Buffer {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(revision) };
    if (annotations) metadata.annotations = annotations;
    const apiVersion = this.info.group ? `${this.info.group}/${this.info.version}` : this.info.version;
    return watchLine('BOOKMARK', JSON.stringify({ kind: this.info.kind, apiVersion, metadata }));
  }
}
