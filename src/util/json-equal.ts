// Whether two values are the same JSON document. Controllers compare the status they computed with
// the one they read back to skip writes that change nothing; a comparison of JSON.stringify strings
// calls two objects different when only their key order differs (the stored object's order is the
// decoder's, the computed one's is the code's), which makes a needless write on every sync.

/**
 * Structural equality as JSON sees it: the key order of objects does not matter, the order of
 * arrays does, and a key whose value is undefined counts as absent (JSON.stringify drops it).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const present = (o: Record<string, unknown>) => Object.keys(o).filter(k => o[k] !== undefined);
  const ak = present(ao);
  if (ak.length !== present(bo).length) return false;
  return ak.every(k => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}
