// What every node may do beyond what the graph decides: upstream's bootstrappolicy.NodeRules() (the
// rules of the `system:node` ClusterRole), which the Node authorizer evaluates itself for any
// resource it does not subdivide, so a kubelet needs no RBAC binding.
import type { ResourceRequest } from '../../request-info.js';

export interface NodeRule {
  verbs: string[];
  groups: string[];
  /** `resource` or `resource/subresource`. */
  resources: string[];
}

const READ = ['get', 'list', 'watch'];

export const NODE_RULES: readonly NodeRule[] = [
  // Checking API access (kubelet webhook authentication and authorization); these creates mutate nothing.
  { verbs: ['create'], groups: ['authentication.k8s.io'], resources: ['tokenreviews'] },
  { verbs: ['create'], groups: ['authorization.k8s.io'], resources: ['subjectaccessreviews', 'localsubjectaccessreviews'] },
  // Service environment variables.
  { verbs: READ, groups: [''], resources: ['services'] },
  // Registering and reporting the Node (NodeRestriction keeps a node to its own).
  { verbs: ['create', 'get', 'list', 'watch'], groups: [''], resources: ['nodes'] },
  { verbs: ['update', 'patch'], groups: [''], resources: ['nodes/status'] },
  { verbs: ['update', 'patch'], groups: [''], resources: ['nodes'] },
  { verbs: ['create', 'update', 'patch'], groups: [''], resources: ['events'] },
  { verbs: READ, groups: [''], resources: ['pods'] },
  // Mirror pods, pod status and evictions (NodeRestriction keeps a node to pods bound to it).
  { verbs: ['create', 'delete'], groups: [''], resources: ['pods'] },
  { verbs: ['update', 'patch'], groups: [''], resources: ['pods/status'] },
  { verbs: ['create'], groups: [''], resources: ['pods/eviction'] },
  { verbs: READ, groups: [''], resources: ['secrets', 'configmaps'] },
  { verbs: ['get'], groups: [''], resources: ['persistentvolumeclaims', 'persistentvolumes'] },
  { verbs: ['get'], groups: [''], resources: ['endpoints'] },
  // Client certificate rotation through CSRs.
  { verbs: ['create', 'get', 'list', 'watch'], groups: ['certificates.k8s.io'], resources: ['certificatesigningrequests'] },
  { verbs: ['get', 'create', 'update', 'patch', 'delete'], groups: ['coordination.k8s.io'], resources: ['leases'] },
  { verbs: ['get'], groups: ['storage.k8s.io'], resources: ['volumeattachments'] },
  { verbs: ['create'], groups: [''], resources: ['serviceaccounts/token'] },
  { verbs: ['get', 'update', 'patch'], groups: [''], resources: ['persistentvolumeclaims/status'] },
  { verbs: READ, groups: ['storage.k8s.io'], resources: ['csidrivers'] },
  { verbs: ['get', 'create', 'update', 'patch', 'delete'], groups: ['storage.k8s.io'], resources: ['csinodes'] },
  { verbs: READ, groups: ['node.k8s.io'], resources: ['runtimeclasses'] },
];

/** Whether one of the rules covers the request (no wildcards appear in the node rules). */
export function nodeRulesAllow(request: ResourceRequest, rules: readonly NodeRule[] = NODE_RULES): boolean {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return rules.some(r => r.verbs.includes(request.verb) && r.groups.includes(request.group) && r.resources.includes(resource));
}
