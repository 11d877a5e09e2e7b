// The history API (history.k8ts.io/v1): the recorded revisions of one object, read at the object's
// own API path under /apis/history.k8ts.io/v1/. A k8ts API of its own, not a Kubernetes one; its
// name lives here so the server that answers it and the command that asks it spell it once.

export const HISTORY_GROUP = 'history.k8ts.io';
export const HISTORY_VERSION = 'v1';
