// Whether a namespace accepts new content (it exists and is not terminating), and the watches of a
// controller that keeps one object of a fixed name in every such namespace.
import type { KubeObject } from '../../api/object.js';
import { R, type ResourceRef } from '../../client/resources.js';
import type { WatchSpec } from '../types.js';

export function isNamespaceActive(ns: KubeObject | undefined): boolean {
  return !!ns && !ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating';
}

/** Reconcile a namespace (the key) when it changes or when its object `name` of `resource` does. */
export function perNamespaceObjectWatches(resource: ResourceRef, name: string): WatchSpec[] {
  return [
    { resource: R.namespaces },
    { resource, mapTo: obj => (obj.metadata.name === name ? [obj.metadata.namespace!] : []) },
  ];
}
