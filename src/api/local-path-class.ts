// The StorageClass of k8ts's built-in local-path provisioner (k3s's `local-path`): the server
// creates it at start as the cluster's default class, and every node agent provisions the claims
// of that class that the scheduler places on its node.
import { DEFAULT_STORAGE_CLASS_ANNOTATION } from './storage-class.js';

export const LOCAL_PATH_PROVISIONER = 'rancher.io/local-path';
export const LOCAL_PATH_CLASS_NAME = 'local-path';

export const LOCAL_PATH_STORAGE_CLASS = {
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: LOCAL_PATH_CLASS_NAME, annotations: { [DEFAULT_STORAGE_CLASS_ANNOTATION]: 'true' } },
  provisioner: LOCAL_PATH_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
  allowVolumeExpansion: true,
} as const;
