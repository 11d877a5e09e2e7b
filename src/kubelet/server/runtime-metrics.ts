// The kubelet's counts of what its runtime runs, as upstream's kubelet_running_pods and
// kubelet_running_containers, read from the runtime at scrape time (never stale).

import { Gauge, type Registry } from '../../metrics/registry.js';
import type { RuntimeClient } from '../cri/client.js';

export function registerRuntimeMetrics(registry: Registry, runtime: RuntimeClient): void {
  new Gauge({
    name: 'kubelet_running_pods', help: '[ALPHA] Number of pods that have a running pod sandbox', registers: [registry],
    async collect() {
      // A runtime that does not answer leaves the last counts: /metrics itself still answers.
      const sandboxes = await runtime.listPodSandbox().catch(() => undefined);
      if (sandboxes) this.set(sandboxes.filter(s => s.state === 'SANDBOX_READY').length);
    },
  });
  new Gauge({
    name: 'kubelet_running_containers', help: '[ALPHA] Number of containers currently running', labelNames: ['container_state'], registers: [registry],
    async collect() {
      const containers = await runtime.listContainers().catch(() => undefined);
      if (!containers) return;
      const counts: Record<string, number> = { created: 0, running: 0, exited: 0, unknown: 0 };
      for (const c of containers) {
        const state = String(c.state).replace(/^CONTAINER_/, '').toLowerCase();
        counts[state] = (counts[state] ?? 0) + 1;
      }
      for (const [container_state, n] of Object.entries(counts)) this.set({ container_state }, n);
    },
  });
}
