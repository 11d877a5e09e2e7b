// The CSR admission plugins of upstream (plugin/pkg/admission/certificates):
// CertificateApproval — approving or denying needs the `approve` verb on the request's signer
// (certificates.k8s.io signers, resourceName = signerName or "<domain>/*");
// CertificateSigning — writing status.certificate needs the `sign` verb on the signer;
// CertificateSubjectRestriction — no kube-apiserver-client request for group system:masters.
import { ForbiddenError } from '../../api/errors.js';
import { SIGNER_KUBE_APISERVER_CLIENT, requestPem, type CsrObject } from '../../api/csr.js';
import { InvalidRequestError, parseCertificateRequest } from '../../pki/csr.js';
import type { Authorizer } from '../auth/authorizer.js';
import type { UserInfo } from '../context.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

function isCsr(a: AdmissionAttributes): boolean {
  return a.resource.group === 'certificates.k8s.io' && a.resource.resource === 'certificatesigningrequests' && !!a.object;
}

/** Allowed on the exact signer name or on its domain wildcard, as upstream's IsAuthorizedForSignerName. */
async function mayOnSigner(authz: Authorizer, user: UserInfo, verb: string, signerName: string): Promise<boolean> {
  const ask = (name: string) => authz.authorize(user, {
    isResourceRequest: true, group: 'certificates.k8s.io', resource: 'signers', subresource: '', namespace: '', name, verb,
  });
  if ((await ask(signerName)).allowed) return true;
  const slash = signerName.indexOf('/');
  return slash > 0 && (await ask(`${signerName.slice(0, slash)}/*`)).allowed;
}

/**
 * Refuses unless the requester may `verb` the signer. The plugins check whether a write concerns
 * them at once and only then return a promise: the chain awaits no plugin that has nothing to do.
 */
async function requireOnSigner(authz: Authorizer, a: AdmissionAttributes, verb: string, signerName: string): Promise<void> {
  if (!(await mayOnSigner(authz, a.ctx.user, verb, signerName))) throw forbidden(a, verb, signerName);
}

function forbidden(a: AdmissionAttributes, verb: string, signerName: string): ForbiddenError {
  return new ForbiddenError(`certificatesigningrequests.certificates.k8s.io "${a.name}" is forbidden: user not permitted to ${verb} requests with signerName "${signerName}"`);
}

export function certificateApproval(authz: Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateApproval',
    validate(a) {
      if (!isCsr(a) || a.operation !== 'UPDATE' || a.subresource !== 'approval') return;
      const signer = (a.object as CsrObject).spec.signerName;
      return requireOnSigner(authz, a, 'approve', signer);
    },
  };
}

export function certificateSigning(authz: Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateSigning',
    validate(a) {
      if (!isCsr(a) || a.operation !== 'UPDATE' || a.subresource !== 'status') return;
      const csr = a.object as CsrObject;
      const old = a.oldObject as CsrObject | undefined;
      // Only a change of the certificate or of the conditions is the signer's business.
      if (csr.status?.certificate === old?.status?.certificate && JSON.stringify(csr.status?.conditions) === JSON.stringify(old?.status?.conditions)) return;
      return requireOnSigner(authz, a, 'sign', csr.spec.signerName);
    },
  };
}

export function certificateSubjectRestriction(): AdmissionPlugin {
  return {
    name: 'CertificateSubjectRestriction',
    validate(a) {
      if (!isCsr(a) || a.operation !== 'CREATE' || a.subresource) return;
      const csr = a.object as CsrObject;
      if (csr.spec.signerName !== SIGNER_KUBE_APISERVER_CLIENT) return;
      return refuseMasters(a, csr);
    },
  };
}

/** A kube-apiserver-client request may not ask for group system:masters. */
async function refuseMasters(a: AdmissionAttributes, csr: CsrObject): Promise<void> {
  let organizations: string[];
  try {
    organizations = (await parseCertificateRequest(requestPem(csr))).organizations;
  } catch (err) {
    if (err instanceof InvalidRequestError) return; // validation reports it
    throw err;
  }
  if (organizations.includes('system:masters')) {
    throw new ForbiddenError(`certificatesigningrequests.certificates.k8s.io "${a.name}" is forbidden: use of ${SIGNER_KUBE_APISERVER_CLIENT} signer with system:masters group is not allowed`);
  }
}
