// The pod's phase from its containers' statuses, as upstream's getPhase: init containers first,
// then app containers by the pod's restartPolicy.
import type { ContainerStatus } from '../api/types/generated.js';
import type { PodObject } from './types.js';

export function podPhase(pod: PodObject, apps: ContainerStatus[], initDone: boolean, initFailed: boolean): string {
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (initFailed && policy === 'Never') return 'Failed';
  if (!initDone) return 'Pending';
  let waiting = 0, running = 0, stopped = 0, succeeded = 0;
  for (const s of apps) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) {
      stopped++;
      if (s.lastState.terminated.exitCode === 0) succeeded++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'OnFailure' ? 'Running' : 'Failed';
  }
  return 'Pending';
}
