// The CSR approving controller (upstream's csrapproving) plus k8ts's rules for what nodes ask for.
//
// Upstream: a kubernetes.io/kube-apiserver-client-kubelet request for a node client certificate is
// approved when a SubjectAccessReview says its requester may create
// certificatesigningrequests/selfnodeclient (renewing its own certificate: CN = the requester) or
// certificatesigningrequests/nodeclient (a new node joining, as a bootstrap token does).
//
// k8ts additionally approves, for the node identities (user system:node:<n> in system:nodes) only:
//  - kubelet-serving requests for the requesting node itself (CN = requester, O = system:nodes)
//    whose DNS and IP names are all among that Node's status.addresses — upstream leaves serving
//    CSRs to an external approver; k3s signs them itself. The Node's own reported addresses are the
//    names the API server dials, so nothing else can be claimed;
//  - kube-apiserver-client requests for CN system:kube-proxy or system:k8ts-controller (no O, no
//    alternative names, client usages): the agent's kube-proxy and node controllers, which act the
//    same on every node, so any node may ask for them (as a k3s agent receives them from its server).
// Anything else stays pending for `kubectl certificate approve|deny`.
import { isApproved, isDenied, isIssued, requestPem, SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBELET_CLIENT, SIGNER_KUBELET_SERVING, type CsrObject } from '../../api/csr.js';
import type { NodeObject } from '../../api/node-object.js';
import { nowTimestamp } from '../../api/object.js';
import { InvalidRequestError, parseCertificateRequest, type ParsedRequest } from '../../pki/csr.js';
import { objectPath, R } from '../../client/resources.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { Controller, ControllerContext } from '../types.js';
import { NODE_USER_PREFIX, NODES_GROUP, signerProblem } from './signer-rules.js';

/** The node-side components whose client certificates a node may ask for. */
export const NODE_COMPONENT_USERS = ['system:kube-proxy', 'system:k8ts-controller'];

interface Approval {
  message: string;
  /** A SubjectAccessReview subresource the requester needs, if any. */
  subresource?: 'nodeclient' | 'selfnodeclient';
}

/** Which rule (if any) could approve this request. Exported for tests. */
export function approvalRule(csr: CsrObject, req: ParsedRequest, node?: NodeObject): Approval | undefined {
  const spec = csr.spec;
  const usages = spec.usages ?? [];
  const requester = spec.username ?? '';
  const requesterIsNode = requester.startsWith(NODE_USER_PREFIX) && (spec.groups ?? []).includes(NODES_GROUP);
  if (signerProblem(spec.signerName, req, usages)) return undefined;
  switch (spec.signerName) {
    case SIGNER_KUBELET_CLIENT:
      return req.commonName === requester
        ? { subresource: 'selfnodeclient', message: 'Auto approving self kubelet client certificate after SubjectAccessReview.' }
        : { subresource: 'nodeclient', message: 'Auto approving kubelet client certificate after SubjectAccessReview.' };
    case SIGNER_KUBELET_SERVING: {
      if (!requesterIsNode || req.commonName !== requester || !node) return undefined;
      const known = new Set((node.status?.addresses ?? []).map(a => a.address));
      const names = [...req.dnsNames, ...req.ipAddresses];
      if (!names.every(n => known.has(n))) return undefined;
      return { message: 'Auto approving kubelet serving certificate: the names are the node\'s own addresses.' };
    }
    case SIGNER_KUBE_APISERVER_CLIENT:
      if (!requesterIsNode || !NODE_COMPONENT_USERS.includes(req.commonName) || req.organizations.length) return undefined;
      if (req.dnsNames.length || req.ipAddresses.length || req.emailAddresses.length || req.uris.length) return undefined;
      return { message: `Auto approving ${req.commonName} client certificate for node ${requester.slice(NODE_USER_PREFIX.length)}.` };
    default:
      return undefined;
  }
}

export function csrApprovingController(): Controller {
  return {
    name: 'csrapproving',
    watches: [{ resource: R.certificatesigningrequests }],
    async reconcile(key, ctx) {
      const csr = ctx.informer<CsrObject>(R.certificatesigningrequests).get(key);
      if (!csr || isApproved(csr) || isDenied(csr) || isIssued(csr)) return;
      let req: ParsedRequest;
      try {
        req = await parseCertificateRequest(requestPem(csr));
      } catch (err) {
        if (err instanceof InvalidRequestError) return;
        throw err;
      }
      const nodeName = (csr.spec.username ?? '').slice(NODE_USER_PREFIX.length);
      const node = csr.spec.signerName === SIGNER_KUBELET_SERVING ? ctx.informer<NodeObject>(R.nodes).get(nodeName) : undefined;
      const rule = approvalRule(csr, req, node);
      if (!rule) return;
      if (rule.subresource && !(await mayCreate(ctx, csr, rule.subresource))) return;
      const now = nowTimestamp();
      const conditions = [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: rule.message, lastUpdateTime: now, lastTransitionTime: now }];
      ctx.log('approved', { csr: key, signer: csr.spec.signerName, requester: csr.spec.username });
      await ignoreNotFound(ctx.client.update(objectPath(R.certificatesigningrequests, undefined, csr.metadata.name!, 'approval'), { ...csr, status: { ...csr.status, conditions } }));
    },
  };
}

async function mayCreate(ctx: ControllerContext, csr: CsrObject, subresource: string): Promise<boolean> {
  const review = await ctx.client.create<{ status?: { allowed?: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview',
    spec: {
      user: csr.spec.username, uid: csr.spec.uid, groups: csr.spec.groups, extra: csr.spec.extra,
      resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
    },
  });
  return review.status?.allowed === true;
}
