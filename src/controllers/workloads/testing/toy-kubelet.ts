// Plays scheduler and kubelet against a FakeApi for integration tests: binds pods (daemon pods to
// their node-name affinity, others round-robin), makes bound pods Running and Ready after a delay,
// and finishes graceful deletions after another.
import type { KubeObject } from '../../../api/object.js';
import { targetNode } from '../daemonset.js';
import type { Pod } from '../types.js';
import type { FakeApi } from './fake-api.js';

export class ToyKubelet {
  private timer?: NodeJS.Timeout;
  private next = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly api: FakeApi, private readonly nodes: string[], private readonly readyAfterMs = 30, private readonly deleteAfterMs = 30) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    const now = Date.now();
    for (const obj of this.api.all('api/v1/pods') as Pod[]) {
      const key = `${obj.metadata.uid}/${obj.metadata.deletionTimestamp ? 'd' : obj.spec?.nodeName ? 'b' : 'u'}`;
      if (!this.seen.has(key)) this.seen.set(key, now);
      const since = now - this.seen.get(key)!;
      const path = `/api/v1/namespaces/${obj.metadata.namespace}/pods/${obj.metadata.name}`;
      try {
        if (obj.metadata.deletionTimestamp) {
          if (since >= this.deleteAfterMs) await this.api.delete(path, { gracePeriodSeconds: 0 });
        } else if (!obj.spec?.nodeName) {
          const node = targetNode(obj) ?? this.nodes[this.next++ % this.nodes.length];
          await this.api.create(`${path}/binding`, { target: { name: node } });
        } else if (obj.status?.phase === 'Pending' && since >= this.readyAfterMs) {
          const t = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
          await this.api.update(`${path}/status`, { ...obj, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] } } as KubeObject);
        }
      } catch {
        // Raced with a controller; the next tick sees the new state.
      }
    }
  }
}
