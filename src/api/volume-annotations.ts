// The annotations by which the PV controller, the scheduler, provisioners and the kubelet hand a
// claim and its volume to one another (upstream's pkg/controller/volume/persistentvolume/util and
// component-helpers/storage/volume).

/** On a WaitForFirstConsumer claim: the node the scheduler chose; its provisioner creates the PV there. */
export const SELECTED_NODE_ANNOTATION = 'volume.kubernetes.io/selected-node';
/** On a claim to provision dynamically: the provisioner (the class's) that should do it. */
export const STORAGE_PROVISIONER_ANNOTATION = 'volume.kubernetes.io/storage-provisioner';
export const BETA_STORAGE_PROVISIONER_ANNOTATION = 'volume.beta.kubernetes.io/storage-provisioner';
/** On a PV: the provisioner that created it (and must delete its storage). */
export const PROVISIONED_BY_ANNOTATION = 'pv.kubernetes.io/provisioned-by';
/** On a claim: the PV controller finished binding it. */
export const BIND_COMPLETED_ANNOTATION = 'pv.kubernetes.io/bind-completed';
/** On a PV or claim: the binding was made by a controller (not pre-bound by the user). */
export const BOUND_BY_CONTROLLER_ANNOTATION = 'pv.kubernetes.io/bound-by-controller';
