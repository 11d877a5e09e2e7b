// JSON of recently written objects, made once and shared by the write's response and every watch
// event that sends the object (stored objects are never changed in place). A write already has
// it: the stored text, with the revision the store gave it. Only the most recent ones are kept:
// holding an encoding beside each of 100,000s of cached objects would double their memory for
// the sake of rare lists.
import type { KubeObject } from '../../api/object.js';

const RECENT_ENCODINGS = 4096;
const encoded = new Map<KubeObject, string>();

export function objectJson(obj: KubeObject): string {
  let json = encoded.get(obj);
  if (json === undefined) remember(obj, json = JSON.stringify(obj));
  return json;
}

/** The JSON `objectJson` already made of `obj`, if it is still kept; encodes nothing. */
export function knownObjectJson(obj: KubeObject): string | undefined {
  return encoded.get(obj);
}

function remember(obj: KubeObject, json: string): void {
  encoded.set(obj, json);
  if (encoded.size > RECENT_ENCODINGS) encoded.delete(encoded.keys().next().value!);
}

/** An object's text for the store: its JSON without metadata.resourceVersion (the store's revision is it). */
export class StoredText {
  readonly text: string;
  /** Offset of metadata's closing brace, and whether metadata has no members. */
  private readonly metadataEnd: number;
  private readonly emptyMetadata: boolean;

  constructor(obj: KubeObject) {
    // Top-level members one by one (as JSON.stringify would, in order, skipping undefined) so
    // that the end of metadata is known.
    let text = '{';
    let metadataEnd = -1;
    let emptyMetadata = true;
    for (const key of Object.keys(obj)) {
      let json: string | undefined;
      if (key === 'metadata') {
        const { resourceVersion: _, ...meta } = obj.metadata;
        json = JSON.stringify(meta);
        emptyMetadata = json === '{}';
      } else {
        json = JSON.stringify(obj[key]);
      }
      if (json === undefined) continue;
      text += (text.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + json;
      if (key === 'metadata') metadataEnd = text.length - 1;
    }
    this.text = text + '}';
    this.metadataEnd = metadataEnd;
    this.emptyMetadata = emptyMetadata;
  }

  /**
   * Records the JSON of `obj`, the object as read back at `revision` (metadata.resourceVersion
   * last, as decoding the stored text and setting it leaves it), without encoding it again.
   */
  rememberAs(obj: KubeObject, revision: number): void {
    if (this.metadataEnd < 0) return;
    const rv = `"resourceVersion":${JSON.stringify(String(revision))}`;
    remember(obj, this.text.slice(0, this.metadataEnd) + (this.emptyMetadata ? '' : ',') + rv + this.text.slice(this.metadataEnd));
  }
}
