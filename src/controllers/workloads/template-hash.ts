// Stable hashes of pod templates and revision data, named as upstream names them: an FNV-1a 32-bit
// hash of a canonical encoding (plus the collision count, little-endian), printed in decimal and then
// mapped onto a vowel-free alphabet so the result can never spell words (rand.SafeEncodeString).

/** Characters upstream uses for generated names and hashes: no vowels, no confusable 0/1/3. */
export const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function fnv32a(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of data) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHABET[s.charCodeAt(i) % SAFE_ALPHABET.length];
  return out;
}

/**
 * JSON with sorted keys, where null, empty objects and empty arrays are dropped: two templates that
 * differ only in such spellings are the same template (upstream's semantic equality agrees).
 */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(prune(v)) ?? 'null';
}

function prune(v: unknown): unknown {
  if (Array.isArray(v)) {
    const items = v.map(prune);
    return items.length ? items.map(i => (i === undefined ? null : i)) : undefined;
  }
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const p = prune((v as Record<string, unknown>)[k]);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return v === null ? undefined : v;
}

/** Hash of a value and an optional collision count, as `controller.ComputeHash` would print it. */
export function computeHash(value: unknown, collisionCount?: number): string {
  const bytes = Buffer.from(canonicalJson(value), 'utf8');
  let h = fnv32a(bytes);
  if (collisionCount !== undefined && collisionCount !== null) {
    const extra = Buffer.alloc(4);
    extra.writeUInt32LE(collisionCount >>> 0);
    h = fnv32a(extra, h);
  }
  return safeEncode(String(h));
}
