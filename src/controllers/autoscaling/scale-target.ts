// An HPA's scale target, read and written through its `scale` subresource (autoscaling/v1 Scale):
// the target's apiVersion and kind are mapped to a served resource by discovery, as upstream's
// RESTMapper does, so Deployments, StatefulSets, ReplicaSets and custom resources with a scale
// subresource are all reached the same way.
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, type ResourceRef } from '../../client/resources.js';
import { Discovery } from '../cluster/discovery.js';
import type { Scale } from './types.js';

/** The target could not be found or read (the message is upstream's). */
export class ScaleTargetError extends Error {}

/** The reference itself is wrong: its apiVersion cannot be parsed. */
export class InvalidTargetRefError extends ScaleTargetError {}

export interface TargetRef {
  apiVersion?: string;
  kind: string;
  name: string;
}

/** The group of an apiVersion, refusing what schema.ParseGroupVersion refuses. */
function groupOf(apiVersion: string): string {
  const parts = apiVersion.split('/');
  if (parts.length > 2) throw new InvalidTargetRefError(`unexpected GroupVersion string: ${apiVersion}`);
  return parts.length === 2 ? parts[0] : '';
}

/**
 * How long discovered resources are trusted: a kind not among them triggers a fresh look at once
 * (a new CRD is found on the next sync), so this only bounds the cost of many HPAs' syncs.
 */
const DISCOVERY_MAX_AGE_MS = 60_000;

export class ScaleTargets {
  private readonly discoveries = new WeakMap<RestClient, Discovery>();

  /** The served resource of a target's group and kind. */
  async resourceOf(client: RestClient, ref: TargetRef): Promise<ResourceRef> {
    const group = groupOf(ref.apiVersion ?? '');
    let discovery = this.discoveries.get(client);
    if (!discovery) this.discoveries.set(client, discovery = new Discovery(client, DISCOVERY_MAX_AGE_MS));
    const found = await discovery.forKind(ref.apiVersion ?? '', ref.kind);
    if (!found) throw new ScaleTargetError(`no matches for kind "${ref.kind}" in group "${group}"`);
    return found.ref;
  }

  get(client: RestClient, resource: ResourceRef, namespace: string, name: string): Promise<Scale> {
    return client.get<Scale>(objectPath(resource, namespace, name, 'scale'));
  }

  update(client: RestClient, resource: ResourceRef, scale: Scale): Promise<Scale> {
    return client.update<Scale>(objectPath(resource, scale.metadata.namespace, scale.metadata.name ?? '', 'scale'), { ...scale, apiVersion: 'autoscaling/v1', kind: 'Scale' });
  }
}
