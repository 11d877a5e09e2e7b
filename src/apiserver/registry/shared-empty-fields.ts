// managedFields' fieldsV1 trees are mostly empty leaves ({} marks a field as owned): a pod's three
// entries hold about a hundred of them, over half of the entries' memory once parsed. The watch
// cache keeps every object of a resource parsed, so its copies point those leaves at one frozen
// empty object. Frozen: cached objects are never changed in place (writes clone them first), and
// a change that broke that rule throws here instead of altering every object at once.
import type { KubeObject } from '../../api/object.js';

const EMPTY: Record<string, unknown> = Object.freeze({});

/** Points `obj`'s empty managedFields leaves at the shared frozen one; returns `obj`. */
export function shareEmptyFieldLeaves<T extends KubeObject>(obj: T): T {
  for (const entry of obj.metadata.managedFields ?? []) {
    if (entry.fieldsV1) shareIn(entry.fieldsV1);
  }
  return obj;
}

function shareIn(node: Record<string, unknown>): void {
  for (const key in node) {
    const child = node[key];
    if (typeof child !== 'object' || child === null || child === EMPTY) continue;
    if (isEmpty(child)) node[key] = EMPTY;
    else shareIn(child as Record<string, unknown>);
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
