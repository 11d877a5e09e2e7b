// How a watch stream's objects are written: as stored (the cached JSON), as
// PartialObjectMetadata, or as Table rows whose column definitions go out with the first row
// only; and the BOOKMARK object, which carries just a resourceVersion (and annotations).
import type { KubeObject } from '../../api/object.js';
import type { Negotiated } from '../http/negotiate.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { CachedObject } from '../registry/watch-cache.js';
import { buildTable } from '../tables/index.js';
import type { Printer } from '../tables/types.js';
import { objectJsonBytes } from '../registry/object-json.js';
import { cachedJson, partialMetadata, type IncludeObject } from './render.js';

export class WatchEncoder {
  private tableHeaderSent = false;

  constructor(private readonly info: GenericStore['info'], private readonly neg: Negotiated, private readonly includeObject: IncludeObject, private readonly printer?: Printer) {}

  object(c: CachedObject): string {
    if (this.neg.transform === 'Table') {
      const table = buildTable(this.info.group, this.info.resource, [c.object], { includeObject: this.includeObject, printer: this.printer });
      if (this.tableHeaderSent) table.columnDefinitions = [];
      this.tableHeaderSent = true;
      return JSON.stringify(table);
    }
    if (this.neg.transform !== 'none') return JSON.stringify(partialMetadata(c.object));
    return cachedJson(c);
  }

  /** The UTF-8 length of `json`, which `object(c)` made: as stored, measured once for every watcher. */
  objectBytes(c: CachedObject, json: string): number {
    return this.neg.transform === 'none' ? objectJsonBytes(c.object) : Buffer.byteLength(json);
  }

  bookmark(revision: number, annotations?: Record<string, string>): string {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(revision) };
    if (annotations) metadata.annotations = annotations;
    const apiVersion = this.info.group ? `${this.info.group}/${this.info.version}` : this.info.version;
    return JSON.stringify({ kind: this.info.kind, apiVersion, metadata });
  }
}
