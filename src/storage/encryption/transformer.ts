// Values at rest pass through a transformer on their way to and from the store (upstream's
// storage/value): identity, or encryption with a `k8s:enc:<provider>:v1:<key name>:` prefix.
//
// Store values are strings. An encrypted value is a binary string (one character per byte,
// U+0000–U+00FF, as Buffer's 'latin1' encoding), so that its prefix and payload are the bytes
// upstream writes; a plain value is the object's JSON text.
import { StorageError } from '../types.js';

export interface ValueTransformer {
  /**
   * The plaintext of a stored value. `stale` says it was read with something other than what writes
   * use now (an older key or provider): the value should be written again even if unchanged.
   * `dataKey` is the store key, which authenticated encryption binds the value to.
   */
  fromStorage(stored: string, dataKey: string): { text: string; stale: boolean };
  toStorage(text: string, dataKey: string): string;
}

/** Why a value could not be read or written; the message is the innermost transformer's. */
export class TransformError extends StorageError {}

/** Reserved for encrypted data: JSON starts with '{', protobuf with 'k8s\0'. */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

/** Leaves values alone, but refuses to read encrypted data as if it were plain. */
export const identityTransformer: ValueTransformer = {
  fromStorage(stored) {
    if (stored.startsWith(ENCRYPTED_PREFIX)) throw new TransformError('identity transformer tried to read encrypted data');
    return { text: stored, stale: false };
  },
  toStorage: text => text,
};

export interface PrefixedTransformer {
  prefix: string;
  transformer: ValueTransformer;
}

/**
 * Upstream's prefixTransformers: the first entry writes (with its prefix); a read goes to the
 * entries whose prefix the value has, in order, and is stale unless the first one read it. An
 * entry that fails does not end the search (two entries may share a prefix during a rotation);
 * an identity entry (empty prefix) that fails is skipped silently. Nothing read it: the errors of
 * the entries that tried, else `noMatch`.
 */
export class PrefixTransformers implements ValueTransformer {
  constructor(private readonly entries: PrefixedTransformer[], private readonly noMatch: string) {
    if (!entries.length) throw new Error('a prefix transformer needs at least one entry');
  }

  fromStorage(stored: string, dataKey: string): { text: string; stale: boolean } {
    const errors: Error[] = [];
    for (let i = 0; i < this.entries.length; i++) {
      const { prefix, transformer } = this.entries[i];
      if (!stored.startsWith(prefix)) continue;
      try {
        const read = transformer.fromStorage(stored.slice(prefix.length), dataKey);
        return { text: read.text, stale: read.stale || i !== 0 };
      } catch (err) {
        if (prefix === '') continue;
        errors.push(err as Error);
      }
    }
    if (errors.length === 1) throw errors[0];
    // As Go's aggregate error prints several.
    if (errors.length > 1) throw new TransformError(`[${errors.map(e => e.message).join(', ')}]`);
    throw new TransformError(this.noMatch);
  }

  toStorage(text: string, dataKey: string): string {
    const { prefix, transformer } = this.entries[0];
    return prefix + transformer.toStorage(text, dataKey);
  }
}
