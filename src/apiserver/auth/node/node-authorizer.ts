// The Node authorizer, as upstream's plugin/pkg/auth/authorizer/node: a kubelet
// (`system:node:<name>`) may read the Secrets, ConfigMaps, PVCs, PVs and VolumeAttachments, and
// create tokens for the service accounts, that the graph ties to pods bound to its node; its own
// Lease and CSINode; pods with its spec.nodeName; and what upstream's node rules grant (the
// `system:node` role, which no binding grants since upstream 1.8). Anything else
// is "no opinion" with upstream's reason, so the next authorizer (RBAC) decides. Writes it is
// allowed to attempt on Nodes and pods are narrowed to its own by NodeRestriction admission.
import { FieldSelector } from '../../../api/selectors/field-selector.js';
import type { UserInfo } from '../../context.js';
import type { Authorizer, Decision } from '../authorizer.js';
import { nodeRules } from '../rbac/policy/cluster-roles.js';
import type { Attributes } from '../attributes.js';
import { rulesAllow } from '../rbac/rules.js';
import type { NodeGraph, VertexType } from './graph.js';
import { nodeIdentity } from './identity.js';

type ResourceRequest = Extract<Attributes, { isResourceRequest: true }>;

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

const ALLOW: Decision = { allowed: true };

function noOpinion(reason = ''): Decision {
  return { allowed: false, reason };
}

export class NodeAuthorizer implements Authorizer {
  /** Upstream's bootstrappolicy.NodeRules(), the `system:node` role, for what the graph does not decide. */
  private readonly nodeRules = nodeRules();

  constructor(private readonly graph: NodeGraph) {}

  authorize(user: UserInfo, request: Attributes): Decision {
    const nodeName = nodeIdentity(user);
    if (nodeName === undefined) return noOpinion();
    if (!nodeName) return noOpinion(`unknown node for user "${user.username}"`);
    if (request.isResourceRequest) {
      const decided = this.subdivided(nodeName, request);
      if (decided) return decided;
      return rulesAllow(request, this.nodeRules) ? ALLOW : noOpinion();
    }
    return noOpinion();
  }

  /** The resources whose access depends on the node; undefined for the rest (the static rules decide). */
  private subdivided(nodeName: string, r: ResourceRequest): Decision | undefined {
    switch (`${r.resource}.${r.group}`) {
      case 'secrets.': return this.readNamespacedObject(nodeName, 'secret', r);
      case 'configmaps.': return this.readNamespacedObject(nodeName, 'configmap', r);
      case 'persistentvolumeclaims.': return r.subresource === 'status' ? this.statusUpdate(nodeName, 'pvc', r) : this.get(nodeName, 'pvc', r);
      case 'persistentvolumes.': return this.get(nodeName, 'pv', r);
      case 'volumeattachments.storage.k8s.io': return this.get(nodeName, 'volumeattachment', r);
      case 'serviceaccounts.': return this.createToken(nodeName, r);
      case 'leases.coordination.k8s.io': return lease(nodeName, r);
      case 'csinodes.storage.k8s.io': return csiNode(nodeName, r);
      case 'nodes.': return node(nodeName, r);
      case 'pods.': return this.pod(nodeName, r);
      default: return undefined;
    }
  }

  private statusUpdate(nodeName: string, type: VertexType, r: ResourceRequest): Decision {
    if (r.verb !== 'update' && r.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    if (r.subresource !== 'status') return noOpinion('can only update status subresource');
    return this.related(nodeName, type, r);
  }

  private get(nodeName: string, type: VertexType, r: ResourceRequest): Decision {
    if (r.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (r.subresource) return noOpinion('cannot get subresource');
    return this.related(nodeName, type, r);
  }

  /** get, and list/watch of one object by name (the kubelet watches each Secret and ConfigMap it mounts). */
  private readNamespacedObject(nodeName: string, type: VertexType, r: ResourceRequest): Decision {
    if (r.verb !== 'get' && r.verb !== 'list' && r.verb !== 'watch') return noOpinion('can only read resources of this type');
    if (r.subresource) return noOpinion('cannot read subresource');
    if (!r.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(nodeName, type, { ...r, name: r.name || singleName(r) });
  }

  private createToken(nodeName: string, r: ResourceRequest): Decision {
    if (r.verb !== 'create' || !r.name) return noOpinion('can only create tokens for individual service accounts');
    if (r.subresource !== 'token') return noOpinion('can only create token subresource of serviceaccount');
    return this.graph.hasPathFrom(nodeName, 'serviceaccount', r.namespace, r.name) ? ALLOW : unrelated(nodeName);
  }

  private pod(nodeName: string, r: ResourceRequest): Decision {
    switch (r.subresource) {
      case '':
        if (r.verb === 'get') return this.get(nodeName, 'pod', r);
        if (r.verb === 'list' || r.verb === 'watch') {
          if (selects(r, 'spec.nodeName', nodeName)) return ALLOW;
          const name = r.name || singleName(r);
          if (name) return this.related(nodeName, 'pod', { ...r, name });
          return noOpinion('can only list/watch pods with spec.nodeName field selector');
        }
        // Mirror pods; NodeRestriction keeps them to the node's own.
        if (r.verb === 'create' || r.verb === 'delete') return ALLOW;
        break;
      case 'status':
        if (r.verb === 'update' || r.verb === 'patch') return ALLOW;
        break;
      case 'eviction':
        if (r.verb === 'create') return ALLOW;
        break;
    }
    return noOpinion();
  }

  private related(nodeName: string, type: VertexType, r: ResourceRequest): Decision {
    if (!r.name) return noOpinion('No Object name found');
    return this.graph.hasPathFrom(nodeName, type, r.namespace, r.name) ? ALLOW : unrelated(nodeName);
  }
}

function unrelated(nodeName: string): Decision {
  return noOpinion(`no relationship found between node '${nodeName}' and this object`);
}

function lease(nodeName: string, r: ResourceRequest): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(r.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
  if (r.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  // The name of a create is in the body: NodeRestriction checks it.
  if (r.verb !== 'create' && r.name !== nodeName) return noOpinion('can only access node lease with the same name as the requesting node');
  return ALLOW;
}

function csiNode(nodeName: string, r: ResourceRequest): Decision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(r.verb)) return noOpinion('can only get, create, update, patch, or delete a CSINode');
  if (r.subresource) return noOpinion('cannot authorize CSINode subresources');
  if (r.verb !== 'create' && r.name !== nodeName) return noOpinion('can only access CSINode with the same name as the requesting node');
  return ALLOW;
}

function node(nodeName: string, r: ResourceRequest): Decision {
  if (r.subresource === '') {
    // NodeRestriction keeps writes to the node's own object.
    if (r.verb === 'create' || r.verb === 'update' || r.verb === 'patch') return ALLOW;
    if (r.verb === 'get' || r.verb === 'list' || r.verb === 'watch') {
      // By name rather than through the graph, so a kubelet can look for its Node before creating it.
      const name = r.name || singleName(r);
      if (name === nodeName) return ALLOW;
      return noOpinion(name ? `node '${nodeName}' cannot read '${name}', only its own Node object` : `node '${nodeName}' cannot read all nodes, only its own Node object`);
    }
  } else if (r.subresource === 'status' && (r.verb === 'update' || r.verb === 'patch')) {
    return ALLOW;
  }
  return noOpinion();
}

/** Whether the request's field selector pins `field` to `value`. */
function selects(r: ResourceRequest, field: string, value: string): boolean {
  if (!r.fieldSelector) return false;
  try {
    return FieldSelector.parse(r.fieldSelector).requirements.some(q => q.field === field && !q.negate && q.value === value);
  } catch {
    return false;
  }
}

/** A list or watch narrowed to one object by `metadata.name=` (how clients watch a single object), as upstream's request info names it. */
function singleName(r: ResourceRequest): string {
  if (r.verb !== 'list' && r.verb !== 'watch') return '';
  if (!r.fieldSelector) return '';
  try {
    return FieldSelector.parse(r.fieldSelector).exactValue('metadata.name') ?? '';
  } catch {
    return '';
  }
}
