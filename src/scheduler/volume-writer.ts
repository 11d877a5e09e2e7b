// VolumeBinding's writes through the API, as upstream's volume binder makes them: a static PV gets
// its claimRef (and bound-by-controller), a claim to provision gets the selected node.
import { ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, claimReference, type PersistentVolume, type PersistentVolumeClaim } from '../api/volume-binding.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R } from '../client/resources.js';
import type { VolumeWriter } from './framework.js';

export class ApiVolumeWriter implements VolumeWriter {
  constructor(private readonly client: RestClient) {}

  async bindVolume(pv: PersistentVolume, claim: PersistentVolumeClaim): Promise<void> {
    await this.client.patch(objectPath(R.persistentvolumes, undefined, pv.metadata.name!), {
      metadata: { resourceVersion: pv.metadata.resourceVersion, annotations: { [ANN_BOUND_BY_CONTROLLER]: 'yes' } },
      spec: { claimRef: claimReference(claim) },
    }, 'merge');
  }

  async selectNode(claim: PersistentVolumeClaim, node: string): Promise<void> {
    await this.client.patch(objectPath(R.persistentvolumeclaims, claim.metadata.namespace, claim.metadata.name!), {
      metadata: { annotations: { [ANN_SELECTED_NODE]: node } },
    }, 'merge');
  }
}
