// CertificateSigningRequest facts shared by the signer, the approver, the cleaner and the clients
// that ask for certificates: the well-known signers and how to read a request's state.
import type { KubeObject } from './object.js';
import type { CertificateSigningRequestSpec, CertificateSigningRequestStatus } from './types/generated.js';

export const SIGNER_KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const SIGNER_KUBELET_CLIENT = 'kubernetes.io/kube-apiserver-client-kubelet';
export const SIGNER_KUBELET_SERVING = 'kubernetes.io/kubelet-serving';

export type CsrObject = KubeObject & { spec: CertificateSigningRequestSpec; status?: CertificateSigningRequestStatus };

export function csrCondition(csr: CsrObject, type: string): boolean {
  return (csr.status?.conditions ?? []).some(c => c.type === type && c.status === 'True');
}

export const isApproved = (csr: CsrObject) => csrCondition(csr, 'Approved');
export const isDenied = (csr: CsrObject) => csrCondition(csr, 'Denied');
export const isFailed = (csr: CsrObject) => csrCondition(csr, 'Failed');
export const isIssued = (csr: CsrObject) => !!csr.status?.certificate;

/** The request's PEM (spec.request is base64 on the wire). */
export function requestPem(csr: CsrObject): string {
  return Buffer.from(csr.spec.request ?? '', 'base64').toString('latin1');
}
