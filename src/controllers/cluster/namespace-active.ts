// Whether a namespace accepts new content: it exists and is not terminating.
import type { KubeObject } from '../../api/object.js';

export function isNamespaceActive(ns: KubeObject | undefined): boolean {
  return !!ns && !ns.metadata.deletionTimestamp && (ns.status as { phase?: string } | undefined)?.phase !== 'Terminating';
}
