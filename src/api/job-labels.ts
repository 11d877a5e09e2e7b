// The labels that tie a Job's pods to it (batch/v1's well-known labels): the API server puts them on
// the pod template of a Job that does not choose its own selector, and selects by the UID one.
export const CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME = 'batch.kubernetes.io/job-name';
// The unprefixed names upstream still sets and checks alongside, for older clients.
export const LEGACY_CONTROLLER_UID = 'controller-uid';
export const LEGACY_JOB_NAME = 'job-name';
