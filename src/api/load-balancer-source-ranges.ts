// A LoadBalancer Service's allowed client ranges: `spec.loadBalancerSourceRanges`, or when that is
// empty the older annotation `service.beta.kubernetes.io/load-balancer-source-ranges` (comma
// separated), each entry trimmed, as upstream's GetLoadBalancerSourceRanges. The API validates
// them with this and kube-proxy enforces them with it.
import { splitCidr, type CidrParts } from './cidr.js';

export const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

export class SourceRangeError extends Error {}

interface ServiceLike {
  metadata?: { annotations?: Record<string, string> };
  spec?: { loadBalancerSourceRanges?: string[] };
}

/** Where the ranges come from, or undefined when neither the field nor the annotation is set. */
export function sourceRangesOrigin(svc: ServiceLike): 'field' | 'annotation' | undefined {
  if (svc.spec?.loadBalancerSourceRanges?.length) return 'field';
  return svc.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION] !== undefined ? 'annotation' : undefined;
}

/**
 * The ranges, parsed; none (no field, no annotation, or an empty annotation, which upstream reads
 * as 0.0.0.0/0) means every client is allowed. Throws on any malformed entry.
 */
export function loadBalancerSourceRanges(svc: ServiceLike): CidrParts[] {
  const origin = sourceRangesOrigin(svc);
  const annotation = svc.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION]?.trim();
  if (!origin || (origin === 'annotation' && !annotation)) return [];
  const raw = origin === 'field' ? svc.spec!.loadBalancerSourceRanges! : annotation!.split(',');
  return raw.map(r => String(r).trim()).map(t => {
    const parts = splitCidr(t);
    if (!parts) throw new SourceRangeError(`invalid CIDR "${t}"`);
    return parts;
  });
}
