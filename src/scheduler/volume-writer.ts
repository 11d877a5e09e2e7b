// VolumeBinding's writes through the API, as upstream's volume binder makes them: a static PV gets
// its claimRef (and bound-by-controller), a claim to provision gets the selected node.
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types/generated.js';
import { BOUND_BY_CONTROLLER_ANNOTATION, SELECTED_NODE_ANNOTATION } from '../api/volume-annotations.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R } from '../client/resources.js';
import type { VolumeWriter } from './framework.js';

export class ApiVolumeWriter implements VolumeWriter {
  constructor(private readonly client: RestClient) {}

  async bindVolume(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    const m = claim.metadata!;
    await this.client.patch(objectPath(R.persistentvolumes, undefined, pv.metadata!.name!), {
      metadata: { resourceVersion: pv.metadata!.resourceVersion, annotations: { [BOUND_BY_CONTROLLER_ANNOTATION]: 'yes' } },
      spec: { claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion } },
    }, 'merge');
  }

  async selectNode(claim: PersistentVolumeClaim, node: string): Promise<void> {
    await this.client.patch(objectPath(R.persistentvolumeclaims, claim.metadata!.namespace, claim.metadata!.name!), {
      metadata: { annotations: { [SELECTED_NODE_ANNOTATION]: node } },
    }, 'merge');
  }
}
