// Storage keys: /registry/<resource>/<namespace>/<name>, with the group in front of the resource
// for non-core groups so two groups' resources of the same name never share a prefix.
import type { ResourceInfo } from '../../api/catalog.js';

export function resourcePrefix(info: Pick<ResourceInfo, 'group' | 'resource'>): string {
  return `/registry/${info.group ? info.group + '/' : ''}${info.resource}/`;
}

/** Prefix of one namespace's objects ('' namespace: all of them). */
export function namespacePrefix(info: Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>, namespace: string): string {
  const base = resourcePrefix(info);
  return info.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(info: Pick<ResourceInfo, 'group' | 'resource' | 'namespaced'>, namespace: string, name: string): string {
  return info.namespaced ? `${resourcePrefix(info)}${namespace}/${name}` : `${resourcePrefix(info)}${name}`;
}
