// Asking the cluster for a certificate (what upstream's kubelet does in its TLS bootstrap and
// rotation): make a key and a PKCS#10 request, create a CertificateSigningRequest for a signer, and
// wait until it is issued — or denied, or failed, which are errors.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDenied, isFailed, type CsrObject } from '../api/csr.js';
import { collectionPath, objectPath, R } from './resources.js';
import { createCertificateRequest, type RequestSubject } from '../pki/csr.js';
import type { PemPair } from '../pki/certificates.js';
import type { RestClient } from './rest-client.js';

export class CertificateRequestError extends Error {
  /** True when asking again may help (timed out waiting); false when the cluster said no. */
  constructor(message: string, readonly retriable: boolean) {
    super(message);
  }
}

export interface CertificateRequestOptions {
  signerName: string;
  subject: RequestSubject;
  usages: string[];
  expirationSeconds?: number;
  /** How long to wait for approval and issuance (default 5 minutes). */
  timeoutMs?: number;
  /** Poll interval while pending (default 1 s). */
  pollMs?: number;
}

export async function requestCertificate(client: RestClient, o: CertificateRequestOptions): Promise<PemPair> {
  const { request, key } = await createCertificateRequest(o.subject);
  const created = await client.create<CsrObject>(collectionPath(R.certificatesigningrequests), {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest',
    metadata: { generateName: 'csr-' },
    spec: {
      request: Buffer.from(request).toString('base64'), signerName: o.signerName, usages: o.usages,
      ...(o.expirationSeconds ? { expirationSeconds: o.expirationSeconds } : {}),
    },
  });
  const name = created.metadata.name!;
  const deadline = Date.now() + (o.timeoutMs ?? 300_000);
  for (let csr = created; ; csr = await client.get<CsrObject>(objectPath(R.certificatesigningrequests, undefined, name))) {
    if (isDenied(csr)) throw new CertificateRequestError(`certificate signing request ${name} was denied: ${reason(csr, 'Denied')}`, false);
    if (isFailed(csr)) throw new CertificateRequestError(`certificate signing request ${name} failed: ${reason(csr, 'Failed')}`, false);
    if (csr.status?.certificate) return { cert: Buffer.from(csr.status.certificate, 'base64').toString('utf8'), key };
    if (Date.now() > deadline) throw new CertificateRequestError(`certificate signing request ${name} was not issued within ${Math.round((o.timeoutMs ?? 300_000) / 1000)}s (is it approved? kubectl certificate approve ${name})`, true);
    await sleep(o.pollMs ?? 1000);
  }
}

function reason(csr: CsrObject, type: string): string {
  const c = csr.status?.conditions?.find(x => x.type === type);
  return [c?.reason, c?.message].filter(Boolean).join(': ') || 'no reason given';
}
