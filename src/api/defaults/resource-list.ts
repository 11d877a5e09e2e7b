// SetDefaults_ResourceList: quantities are rounded up to milli precision and, as upstream's
// decode/encode round trip does, stored in canonical form ("0.5" becomes "500m").
import { canonicalQuantity } from '../quantity.js';
import type { Obj } from './types.js';

export function canonicalizeResourceList(list: Obj | undefined): void {
  if (!list || typeof list !== 'object') return;
  // Unparseable values are left for validation to reject with upstream's message.
  for (const [k, v] of Object.entries(list)) if (typeof v === 'string' || typeof v === 'number') list[k] = canonicalQuantity(v);
}
