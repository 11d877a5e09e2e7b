// Resources served in more than one version are stored in one (the preferred) and converted for
// the others, so every version sees the same objects.
import type { KubeObject } from '../object.js';
import { hpaV1ToV2, hpaV2ToV1 } from './hpa.js';

export interface VersionCodec {
  /** Stored (storage-version) object as this version's clients see it. */
  fromStorage(obj: KubeObject): KubeObject;
  /** This version's object in the storage version. */
  toStorage(obj: KubeObject): KubeObject;
  /** This version is the storage version: toStorage changes nothing, so a written object is stored as it is. */
  storesAsIs?: boolean;
}

const CODECS: Record<string, VersionCodec> = {
  'autoscaling/v1/horizontalpodautoscalers': { fromStorage: hpaV2ToV1, toStorage: hpaV1ToV2 },
};

/** The codec for a non-storage version of a resource, if it needs one. */
export function versionCodec(group: string, version: string, resource: string): VersionCodec | undefined {
  return CODECS[`${group}/${version}/${resource}`];
}
