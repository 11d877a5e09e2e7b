// Node IPAM: gives each Node a pod CIDR (spec.podCIDR and spec.podCIDRs) from --cluster-cidr, one
// /24 per node by default. The allocator is rebuilt from the nodes' existing CIDRs before the first
// allocation, so a restart never hands out a taken range; a deleted node's range is released.
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { CidrAllocator } from './cidr-allocator.js';
import type { Node } from './types.js';

export function nodeIpamController(clusterCidr: string, nodeMaskSize = 24): Controller {
  const allocator = new CidrAllocator(clusterCidr, nodeMaskSize);
  const assigned = new Map<string, string>();
  let primed = false;

  return {
    name: 'node-ipam',
    watches: [{ resource: R.nodes }],
    // One worker: allocation decisions are made one node at a time.
    workers: 1,
    async reconcile(name, ctx) {
      const nodes = ctx.informer<Node>(R.nodes);
      if (!primed) {
        if (!nodes.hasSynced) {
          ctx.requeueAfter(name, 200);
          return;
        }
        for (const n of nodes.list()) {
          const cidr = n.spec?.podCIDR;
          if (cidr && allocator.occupy(cidr)) assigned.set(n.metadata.name!, cidr);
        }
        primed = true;
      }
      const node = nodes.get(name);
      if (!node) {
        const cidr = assigned.get(name);
        if (cidr) allocator.release(cidr);
        assigned.delete(name);
        return;
      }
      const existing = node.spec?.podCIDR;
      if (existing) {
        if (allocator.occupy(existing)) assigned.set(name, existing);
        return;
      }
      const cidr = allocator.allocate();
      if (!cidr) {
        ctx.recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
        return;
      }
      try {
        await ctx.client.patch(objectPath(R.nodes, undefined, name), { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, 'merge');
        assigned.set(name, cidr);
      } catch (err) {
        allocator.release(cidr);
        throw err;
      }
    },
  };
}
