// The API objects the CSI controllers read and write: the generated types joined with the generic
// object shape, so they flow through the Informer and RestClient unchanged.
import type { KubeObject } from '../../api/object.js';
import type * as G from '../../api/types/generated.js';

type Obj<T> = Omit<T, 'metadata'> & KubeObject;
export type Pod = Obj<G.Pod>;
export type Node = Obj<G.Node>;
export type PersistentVolumeClaim = Obj<G.PersistentVolumeClaim>;
export type PersistentVolume = Obj<G.PersistentVolume>;
export type StorageClass = Obj<G.StorageClass>;
export type CSINode = Obj<G.CSINode>;
export type CSIDriver = Obj<G.CSIDriver>;
export type VolumeAttachment = Obj<G.VolumeAttachment>;
export type Secret = Obj<G.Secret>;
