// How far a pod's init containers have come: regular ones must each exit 0 in order; sidecars
// (restartPolicy Always) must be running and started before the next init container begins.
import type { Container } from '../api/types/generated.js';
import { latestByName, type ContainerRecord, type PodRuntimeState } from './runtime-state.js';
import { isSidecar, type PodObject } from './types.js';

export interface InitProgress {
  /** Every init container has completed (sidecars: started). */
  done: boolean;
  /** The first init container not yet complete. */
  current?: Container;
  /** Its newest instance, if any. */
  record?: ContainerRecord;
  /** The regular init container that exited non-zero, if that is where things stand. */
  failed?: Container;
  /** `current` completed, but in an earlier sandbox: it runs again in the new one (as upstream). */
  rerun?: boolean;
}

export function initProgress(pod: PodObject, state: PodRuntimeState, started: (id: string) => boolean, initializedBefore: boolean): InitProgress {
  const latest = latestByName(state);
  const sandbox = state.sandboxes[0]?.id;
  for (const c of pod.spec.initContainers ?? []) {
    const rec = latest.get(c.name);
    if (isSidecar(c)) {
      if (rec?.state === 'CONTAINER_RUNNING' && started(rec.id)) continue;
      // Once the pod was initialized, a sidecar that restarts does not un-initialize it.
      if (initializedBefore) continue;
      return { done: false, current: c, record: rec };
    }
    if (rec?.state === 'CONTAINER_EXITED' && rec.exitCode === 0) {
      if (!sandbox || rec.sandboxId === sandbox) continue;
      return { done: false, current: c, record: rec, rerun: true };
    }
    if (initializedBefore && !rec) continue;
    if (rec?.state === 'CONTAINER_EXITED') return { done: false, current: c, record: rec, failed: c };
    return { done: false, current: c, record: rec };
  }
  return { done: true };
}
