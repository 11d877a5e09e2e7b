// The labels and annotations the kubelet puts on CRI sandboxes and containers, as upstream's, so
// a restarted kubelet (and the streaming server) can tell which pod and container they belong to.
export const POD_NAME = 'io.kubernetes.pod.name';
export const POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const POD_UID = 'io.kubernetes.pod.uid';
export const CONTAINER_NAME = 'io.kubernetes.container.name';
export const CONTAINER_HASH = 'io.kubernetes.container.hash';
export const RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
export const TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const TERMINATION_MESSAGE_POLICY = 'io.kubernetes.container.terminationMessagePolicy';
/** The preStop handler as JSON, so a container whose pod is gone can still be stopped politely. */
export const PRE_STOP_HANDLER = 'io.kubernetes.container.preStopHandler';
