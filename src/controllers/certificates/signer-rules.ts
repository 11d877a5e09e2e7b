// What each in-tree signer agrees to sign (upstream pkg/controller/certificates/signer and
// pkg/apis/certificates/v1's ValidateKubeletClientCSR etc.): checked by the signer before signing
// and by the approver before approving. A problem is returned as text, undefined when acceptable.
import { SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBELET_CLIENT, SIGNER_KUBELET_SERVING } from '../../api/csr.js';
import type { ParsedRequest } from '../../pki/csr.js';

export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

export const SIGNERS = [SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBELET_CLIENT, SIGNER_KUBELET_SERVING] as const;

const CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];
const SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];

function usagesWithin(usages: string[], allowed: string[], required: string): string | undefined {
  const bad = usages.filter(u => !allowed.includes(u));
  if (bad.length) return `usages did not match [${allowed.join(' ')}]: ${bad.join(', ')} not allowed`;
  if (!usages.includes(required)) return `usages must include "${required}"`;
  return undefined;
}

function nodeSubject(req: ParsedRequest): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== NODES_GROUP) return `subject organization is not ${NODES_GROUP}`;
  if (!req.commonName.startsWith(NODE_USER_PREFIX)) return `subject common name does not begin with ${NODE_USER_PREFIX}`;
  if (req.otherSubjectFields.length) return `subject may only carry CN and O, found ${req.otherSubjectFields.join(', ')}`;
  return undefined;
}

/** Whether `signerName`'s signer will sign this request with these usages. */
export function signerProblem(signerName: string, req: ParsedRequest, usages: string[]): string | undefined {
  switch (signerName) {
    case SIGNER_KUBELET_CLIENT: {
      const subject = nodeSubject(req);
      if (subject) return subject;
      if (req.dnsNames.length || req.ipAddresses.length || req.emailAddresses.length || req.uris.length) return 'subject alternative names are not allowed for kubelet client certificates';
      return usagesWithin(usages, CLIENT_USAGES, 'client auth');
    }
    case SIGNER_KUBELET_SERVING: {
      const subject = nodeSubject(req);
      if (subject) return subject;
      if (req.emailAddresses.length || req.uris.length) return 'email and URI subject alternative names are not allowed for kubelet serving certificates';
      if (!req.dnsNames.length && !req.ipAddresses.length) return 'DNS or IP subject alternative name is required';
      return usagesWithin(usages, SERVING_USAGES, 'server auth');
    }
    case SIGNER_KUBE_APISERVER_CLIENT:
      return usagesWithin(usages, CLIENT_USAGES, 'client auth');
    default:
      return `unknown signer ${signerName}`;
  }
}
