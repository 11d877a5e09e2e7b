// Asks the container runtime, through CRI, what the Node status reports about it. A runtime that
// does not answer is reported as down (the node goes NotReady) rather than failing the status update.
import type { ImageClient, RuntimeClient } from '../cri/client.js';
import type { RuntimeFacts } from './node-status.js';

const TIMEOUT_MS = 5_000;

export async function readRuntimeFacts(runtime: RuntimeClient, images: ImageClient): Promise<RuntimeFacts> {
  const [version, status, list] = await Promise.allSettled([runtime.version(TIMEOUT_MS), runtime.status(), images.listImages()]);
  return {
    runtimeVersion: version.status === 'fulfilled' ? `${version.value.runtimeName}://${version.value.runtimeVersion}` : undefined,
    runtimeConditions: status.status === 'fulfilled' ? status.value.status?.conditions ?? [] : undefined,
    images: list.status === 'fulfilled' ? list.value : [],
  };
}
