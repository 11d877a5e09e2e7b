// Proof that whoever serves the cluster CA also knows the join token, so a joining agent can trust
// a CA it fetched over an unverified TLS connection without first revealing the token: the agent
// sends a fresh nonce and the token's public id, the server answers with the CA and
// HMAC-SHA256(whole bootstrap token `<id>.<secret>`, nonce ‖ CA PEM). (k3s pins the CA with a hash
// carried inside the token; kubeadm signs its cluster-info with the token; this is the latter's idea.)
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where the server answers with the CA and its proof (`?nonce=N`), public like k3s's. */
export const CACERTS_PATH = '/cacerts';
export const CA_PROOF_HEADER = 'x-k8ts-ca-proof';

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function caProof(token: string, nonce: string, caPem: string): string {
  return createHmac('sha256', token).update(nonce).update('\n').update(caPem).digest('hex');
}

export function isValidCaProof(token: string, nonce: string, caPem: string, proof: string): boolean {
  const expected = Buffer.from(caProof(token, nonce, caPem));
  const presented = Buffer.from(proof);
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}
