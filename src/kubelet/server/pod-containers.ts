// Finds a pod's sandbox and container instances in the runtime by upstream's CRI labels, so the
// kubelet server works from CRI state alone (it needs nothing from the pod workers).
import type { RuntimeClient } from '../cri/client.js';
import type { Container, PodSandbox } from '../cri/types.js';
import { CONTAINER_NAME, POD_NAME, POD_NAMESPACE, POD_UID, RESTART_COUNT } from '../labels.js';


/** An HTTP-facing failure of the kubelet server: status code and upstream's message. */
export class KubeletRequestError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export class PodContainers {
  constructor(private readonly runtime: RuntimeClient) {}

  /** The pod's newest sandbox (a pod recreated under the same name has a newer one). */
  async sandbox(namespace: string, name: string): Promise<PodSandbox> {
    const sandboxes = await this.runtime.listPodSandbox({ labelSelector: { [POD_NAMESPACE]: namespace, [POD_NAME]: name } });
    if (!sandboxes.length) throw new KubeletRequestError(404, `pod "${name}" does not exist`);
    return sandboxes.reduce((a, b) => (b.createdAt > a.createdAt ? b : a));
  }

  /** Every instance of a container of the pod, newest first (by restart count, then creation). */
  async instances(namespace: string, name: string, container: string): Promise<Container[]> {
    const sandbox = await this.sandbox(namespace, name);
    const selector: Record<string, string> = { [POD_NAMESPACE]: namespace, [POD_NAME]: name, [CONTAINER_NAME]: container };
    const uid = sandbox.labels[POD_UID];
    if (uid) selector[POD_UID] = uid;
    const found = await this.runtime.listContainers({ labelSelector: selector });
    return found.sort((a, b) => restartCount(b) - restartCount(a) || b.createdAt - a.createdAt);
  }

  /** The container instance exec and attach talk to: the newest one, which must be running. */
  async running(namespace: string, name: string, container: string): Promise<Container> {
    const [current] = await this.instances(namespace, name, container);
    if (!current || current.state !== 'CONTAINER_RUNNING') throw new KubeletRequestError(404, `container not found ("${container}")`);
    return current;
  }
}

function restartCount(c: Container): number {
  const n = Number(c.annotations[RESTART_COUNT]);
  return Number.isFinite(n) ? n : c.metadata?.attempt ?? 0;
}
