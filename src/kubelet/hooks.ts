// Lifecycle hooks (postStart, preStop) run as upstream's handler runner: exec through CRI,
// httpGet to the pod's IP, or a sleep; a failure is reported with the handler's output.
import type { Container, LifecycleHandler } from '../api/types/generated.js';
import type { RuntimeClient } from './cri/client.js';
import { execAction, httpGetAction, tcpSocketAction } from './prober/handlers.js';

export class HookError extends Error {}

export async function runHook(h: LifecycleHandler, container: Container, containerId: string, podIP: string, runtime: RuntimeClient, timeoutSeconds: number): Promise<void> {
  const target = { podIP, containerId, container, runtime, timeoutSeconds: Math.max(1, timeoutSeconds) };
  if (h.exec) {
    const r = await execAction(h.exec, target);
    if (!r.ok) throw new HookError(`Exec lifecycle hook (${JSON.stringify(h.exec.command ?? [])}) for Container "${container.name}" failed - error: command '${(h.exec.command ?? []).join(' ')}' exited with non-zero code, message: ${JSON.stringify(r.output)}`);
  } else if (h.httpGet) {
    const r = await httpGetAction(h.httpGet, target);
    if (!r.ok) throw new HookError(`HTTP lifecycle hook (${h.httpGet.path ?? '/'}) for Container "${container.name}" failed - error: ${r.output}`);
  } else if (h.tcpSocket) {
    // A deprecated hook kind kept for compatibility: the connection is attempted, the hook never fails.
    await tcpSocketAction(h.tcpSocket, target);
  } else if (h.sleep) {
    const ms = Math.min(h.sleep.seconds * 1000, timeoutSeconds * 1000);
    await new Promise(r => setTimeout(r, ms));
  }
}
