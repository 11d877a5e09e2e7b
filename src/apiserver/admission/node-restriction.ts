// NodeRestriction admission, as upstream's plugin/pkg/admission/noderestriction: the Node
// authorizer lets every kubelet attempt writes to Nodes, pods, leases, CSINodes, PVC status and
// service-account tokens; this plugin, which sees the objects, keeps each kubelet to its own —
// its Node (without taint changes or restricted labels), its Lease and CSINode, mirror pods bound
// to it, the status and eviction of its pods, and tokens bound to its pods.
import { ForbiddenError, NotFoundError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { podReferences } from '../../api/pod-references.js';
import type { Node, Pod, Taint } from '../../api/types/generated.js';
import { nodeIdentity } from '../auth/node/identity.js';
import { deepEqual } from '../patch/json.js';
import type { Registry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const NODE_RESTRICTION_LABEL_NAMESPACE = 'node-restriction.kubernetes.io';
/** Labels a kubelet may set on its own Node (upstream's kubelet/pkg/apis IsKubeletLabel). */
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/zone', 'topology.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/region',
  'beta.kubernetes.io/instance-type', 'node.kubernetes.io/instance-type',
  'kubernetes.io/os', 'kubernetes.io/arch', 'beta.kubernetes.io/os', 'beta.kubernetes.io/arch',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

type Check = (nodeName: string, a: AdmissionAttributes) => void;

export function nodeRestriction(registry: () => Registry): AdmissionPlugin {
  const pods = () => registry().get('', 'pods');
  const livePod = (a: AdmissionAttributes, name: string) => {
    const pod = pods().getCached(a.namespace, name)?.object as Pod | undefined;
    if (!pod) throw new NotFoundError({ group: '', resource: 'pods', name });
    return pod;
  };

  const podChecks: Record<string, Check> = {
    '': (nodeName, a) => {
      if (a.operation === 'CREATE') return admitMirrorPodCreate(nodeName, a, registry);
      if (a.operation === 'DELETE') {
        // Only a pod bound to this node; a missing pod is the delete's own NotFound.
        if (livePod(a, a.name).spec?.nodeName !== nodeName) throw forbidden(a, `node "${nodeName}" can only delete pods with spec.nodeName set to itself`);
        return;
      }
      throw forbidden(a, `unexpected operation "${a.operation}", node "${nodeName}" can only create and delete mirror pods`);
    },
    status: (nodeName, a) => {
      if (a.operation !== 'UPDATE') throw forbidden(a, `unexpected operation "${a.operation}"`);
      const oldPod = a.oldObject as Pod | undefined;
      const newPod = a.object as Pod | undefined;
      if (oldPod?.spec?.nodeName !== nodeName) throw forbidden(a, `node "${nodeName}" can only update pod status for pods with spec.nodeName set to itself`);
      if (!deepEqual(oldPod.metadata?.labels ?? {}, newPod?.metadata?.labels ?? {})) throw forbidden(a, `node "${nodeName}" cannot update labels through pod status`);
      if (!deepEqual(oldPod.status?.resourceClaimStatuses ?? [], newPod?.status?.resourceClaimStatuses ?? [])) throw forbidden(a, `node "${nodeName}" cannot update resource claim statues`);
    },
    eviction: (nodeName, a) => {
      if (a.operation !== 'CREATE') throw forbidden(a, `unexpected operation ${a.operation}`);
      const podName = a.name || a.object?.metadata?.name;
      if (!podName) throw forbidden(a, 'could not determine pod from request data');
      if (livePod(a, podName).spec?.nodeName !== nodeName) throw forbidden(a, `node ${nodeName} can only evict pods with spec.nodeName set to itself`);
    },
  };

  const checks: Record<string, Check> = {
    'pods.': (nodeName, a) => {
      const check = podChecks[a.subresource];
      if (!check) throw forbidden(a, `unexpected pod subresource "${a.subresource}", only 'status' and 'eviction' are allowed`);
      check(nodeName, a);
    },
    'nodes.': admitNode,
    'persistentvolumeclaims.': (nodeName, a) => {
      if (a.subresource !== 'status') throw forbidden(a, 'may only update PVC status');
      admitPvcStatus(nodeName, a);
    },
    'serviceaccounts.': (nodeName, a) => {
      if (a.operation !== 'CREATE' || a.subresource !== 'token') return;
      const ref = (a.object as KubeObject & { spec?: { boundObjectRef?: { apiVersion?: string; kind?: string; name?: string; uid?: string } } })?.spec?.boundObjectRef;
      if (!ref || ref.apiVersion !== 'v1' || ref.kind !== 'Pod' || !ref.name) throw forbidden(a, 'node requested token not bound to a pod');
      if (!ref.uid) throw forbidden(a, 'node requested token with a pod binding without a uid');
      const pod = livePod(a, ref.name);
      if (ref.uid !== pod.metadata?.uid) {
        throw forbidden(a, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
      }
      if (pod.spec?.nodeName !== nodeName) throw forbidden(a, 'node requested token bound to a pod scheduled on a different node');
    },
    'leases.coordination.k8s.io': (nodeName, a) => {
      if (a.namespace !== NODE_LEASE_NAMESPACE) throw forbidden(a, `can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
      const name = a.operation === 'CREATE' ? a.object?.metadata?.name : a.name;
      if (name !== nodeName) throw forbidden(a, 'can only access node lease with the same name as the requesting node');
    },
    'csinodes.storage.k8s.io': (nodeName, a) => {
      const name = a.operation === 'CREATE' ? a.object?.metadata?.name : a.name;
      if (name !== nodeName) throw forbidden(a, 'can only access CSINode with the same name as the requesting node');
    },
  };

  return {
    name: 'NodeRestriction',
    admit(a: AdmissionAttributes): void {
      if (a.operation === 'CONNECT') return;
      const nodeName = nodeIdentity(a.ctx.user);
      if (nodeName === undefined) return;
      if (!nodeName) throw forbidden(a, `could not determine node from user "${a.ctx.user.username}"`);
      checks[`${a.resource.resource}.${a.resource.group}`]?.(nodeName, a);
    },
  };
}

function admitMirrorPodCreate(nodeName: string, a: AdmissionAttributes, registry: () => Registry): void {
  const pod = a.object as Pod;
  if (!pod.metadata?.annotations || !(MIRROR_POD_ANNOTATION in pod.metadata.annotations)) {
    throw forbidden(a, `pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${nodeName}" can only create mirror pods`);
  }
  if (pod.spec?.nodeName !== nodeName) throw forbidden(a, `node "${nodeName}" can only create pods with spec.nodeName set to itself`);
  const owners = pod.metadata.ownerReferences ?? [];
  if (owners.length > 1) throw forbidden(a, `node "${nodeName}" can only create pods with a single owner reference set to itself`);
  const owner = owners[0];
  if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== nodeName) {
    throw forbidden(a, `node "${nodeName}" can only create pods with an owner reference set to itself`);
  }
  if (!owner.controller) throw forbidden(a, `node "${nodeName}" can only create pods with a controller owner reference set to itself`);
  if (owner.blockOwnerDeletion) throw forbidden(a, `node "${nodeName}" must not set blockOwnerDeletion on an owner reference`);
  const node = registry().get('', 'nodes').getCached('', nodeName)?.object;
  if (!node) throw new NotFoundError({ group: '', resource: 'nodes', name: nodeName });
  if (owner.uid !== node.metadata.uid) throw forbidden(a, `node ${nodeName} UID mismatch: expected ${owner.uid} got ${node.metadata.uid}`);
  // A mirror pod may not name other objects, or a node could reach them through the graph.
  const refs = podReferences(pod);
  if (pod.spec?.serviceAccountName) throw forbidden(a, `node "${nodeName}" can not create pods that reference a service account`);
  if (refs.secrets.size) throw forbidden(a, `node "${nodeName}" can not create pods that reference secrets`);
  if (refs.configMaps.size) throw forbidden(a, `node "${nodeName}" can not create pods that reference configmaps`);
  for (const v of pod.spec.volumes ?? []) {
    if (v.projected?.sources?.some(s => s.clusterTrustBundle)) throw forbidden(a, `node "${nodeName}" can not create pods that reference clustertrustbundles`);
  }
  if ((pod.spec.volumes ?? []).some(v => v.persistentVolumeClaim)) throw forbidden(a, `node "${nodeName}" can not create pods that reference persistentvolumeclaims`);
}

function admitNode(nodeName: string, a: AdmissionAttributes): void {
  if (a.name !== nodeName) throw forbidden(a, `node "${nodeName}" is not allowed to modify node "${a.name}"`);
  const node = a.object as Node | undefined;
  if (a.operation === 'CREATE') {
    if (node?.spec?.configSource) throw forbidden(a, `node "${nodeName}" is not allowed to create pods with a non-nil configSource`);
    const denied = forbiddenLabels(modifiedLabels(node?.metadata?.labels, undefined));
    if (denied.length) throw forbidden(a, `node "${nodeName}" is not allowed to set the following labels: ${denied.join(', ')}`);
  }
  if (a.operation === 'UPDATE') {
    const old = a.oldObject as Node | undefined;
    if (node?.spec?.configSource && !deepEqual(node.spec.configSource, old?.spec?.configSource)) {
      throw forbidden(a, `node "${nodeName}" is not allowed to update configSource to a new non-nil configSource`);
    }
    if (!deepEqual(taints(node?.spec?.taints), taints(old?.spec?.taints))) throw forbidden(a, `node "${nodeName}" is not allowed to modify taints`);
    const denied = forbiddenLabels(modifiedLabels(node?.metadata?.labels, old?.metadata?.labels));
    if (denied.length) throw forbidden(a, `is not allowed to modify labels: ${denied.join(', ')}`);
  }
}

/** Everything but status.capacity, status.conditions and the expansion-recovery fields must stay as it was. */
function admitPvcStatus(nodeName: string, a: AdmissionAttributes): void {
  if (a.operation !== 'UPDATE') throw forbidden(a, `unexpected operation "${a.operation}"`);
  const comparable = (o: KubeObject | undefined) => {
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = o?.metadata ?? {};
    const { capacity: _c, conditions: _cd, allocatedResources: _ar, allocatedResourceStatuses: _ars, ...status } = (o as { status?: Record<string, unknown> })?.status ?? {};
    return { ...o, metadata, status };
  };
  const before = comparable(a.oldObject);
  const after = comparable(a.object);
  if (!deepEqual(before, after)) {
    const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])]
      .filter(k => !deepEqual((before as Record<string, unknown>)[k], (after as Record<string, unknown>)[k]));
    throw forbidden(a, `node "${nodeName}" is not allowed to update fields other than status.capacity and status.conditions: changed ${changed.join(', ')}`);
  }
}

function taints(t: Taint[] | undefined): Taint[] {
  return t ?? [];
}

function modifiedLabels(now: Record<string, string> | undefined, before: Record<string, string> | undefined): string[] {
  const keys = new Set([...Object.keys(now ?? {}), ...Object.keys(before ?? {})]);
  return [...keys].filter(k => now?.[k] !== before?.[k]);
}

function labelNamespace(key: string): string {
  const i = key.indexOf('/');
  return i < 0 ? '' : key.slice(0, i);
}

const inNamespace = (ns: string, of: string) => ns === of || ns.endsWith(`.${of}`);

function isKubeletLabel(key: string): boolean {
  return KUBELET_LABELS.has(key) || KUBELET_LABEL_NAMESPACES.some(ns => inNamespace(labelNamespace(key), ns));
}

/** Labels a node may not add, change or remove on its own Node, sorted as upstream's set. */
function forbiddenLabels(keys: string[]): string[] {
  return keys.filter(key => {
    const ns = labelNamespace(key);
    if (inNamespace(ns, NODE_RESTRICTION_LABEL_NAMESPACE)) return true;
    const kubernetesLabel = inNamespace(ns, 'kubernetes.io') || inNamespace(ns, 'k8s.io');
    return kubernetesLabel && !isKubeletLabel(key);
  }).sort();
}

/** Upstream's admission.NewForbidden: `<resource> "<object name>" is forbidden: <why>`. */
function forbidden(a: AdmissionAttributes, why: string): ForbiddenError {
  const name = a.object?.metadata?.name || a.object?.metadata?.generateName || 'Unknown';
  const resource = a.resource.group ? `${a.resource.resource}.${a.resource.group}` : a.resource.resource;
  return new ForbiddenError(`${resource} "${name}" is forbidden: ${why}`, { group: a.resource.group, resource: a.resource.resource, name });
}
