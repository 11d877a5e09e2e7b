// The CSR signing controller (upstream's csrsigning with the cluster CA): signs approved requests
// for kubernetes.io/kube-apiserver-client, kube-apiserver-client-kubelet and kubelet-serving, after
// the signer's own rules; a request they refuse gets the Failed condition (SignerValidationFailure).
// Certificates last expirationSeconds, capped at --cluster-signing-duration and the CA's own life,
// and start five minutes early for clock skew, as upstream.
import { isApproved, isDenied, isFailed, isIssued, requestPem, type CsrObject } from '../../api/csr.js';
import { nowTimestamp } from '../../api/object.js';
import { certificateValidity, InvalidRequestError, parseCertificateRequest, signCertificateRequest } from '../../pki/csr.js';
import type { PemPair } from '../../pki/certificates.js';
import { objectPath, R } from '../../client/resources.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { Controller } from '../types.js';
import { SIGNERS, signerProblem } from './signer-rules.js';

export const DEFAULT_SIGNING_DURATION_SECONDS = 365 * 24 * 3600;
const BACKDATE_MS = 5 * 60_000;

export interface SigningOptions {
  ca: PemPair;
  /** Longest certificate issued (upstream's --cluster-signing-duration, default one year). */
  durationSeconds?: number;
}

export function csrSigningController(o: SigningOptions): Controller {
  const caNotAfter = certificateValidity(o.ca.cert).notAfter.getTime();
  return {
    name: 'csrsigning',
    watches: [{ resource: R.certificatesigningrequests }],
    async reconcile(key, ctx) {
      const csr = ctx.informer<CsrObject>(R.certificatesigningrequests).get(key);
      if (!csr || !isApproved(csr) || isDenied(csr) || isFailed(csr) || isIssued(csr)) return;
      if (!(SIGNERS as readonly string[]).includes(csr.spec.signerName)) return;
      let problem: string | undefined;
      let certificate: string | undefined;
      try {
        const req = await parseCertificateRequest(requestPem(csr));
        problem = signerProblem(csr.spec.signerName, req, csr.spec.usages ?? []);
      } catch (err) {
        if (!(err instanceof InvalidRequestError)) throw err;
        problem = err.message;
      }
      if (!problem) {
        const now = Date.now();
        const seconds = Math.min(csr.spec.expirationSeconds ?? Infinity, o.durationSeconds ?? DEFAULT_SIGNING_DURATION_SECONDS);
        const notAfter = Math.min(now + seconds * 1000, caNotAfter);
        certificate = await signCertificateRequest(o.ca, requestPem(csr), {
          usages: csr.spec.usages ?? [], notBefore: new Date(Math.min(now - BACKDATE_MS, notAfter)), notAfter: new Date(notAfter),
        });
      }
      const status = certificate
        ? { ...csr.status, certificate: Buffer.from(certificate).toString('base64') }
        : {
          ...csr.status,
          conditions: [...(csr.status?.conditions ?? []), {
            type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: problem,
            lastUpdateTime: nowTimestamp(), lastTransitionTime: nowTimestamp(),
          }],
        };
      if (problem) ctx.log('refusing to sign', { csr: key, signer: csr.spec.signerName, problem });
      await ignoreNotFound(ctx.client.update(objectPath(R.certificatesigningrequests, undefined, csr.metadata.name!, 'status'), { ...csr, status }));
    },
  };
}
