// `/cacerts?nonce=N&id=TOKEN-ID`: the cluster CA for joining agents, public like k3s's, with a proof
// header (see pki/ca-proof.ts) keyed by the bootstrap token of that id, which lets the agent check
// the CA against its token before trusting it — the way kubeadm's cluster-info is signed with the
// token (JWS keyed by the token id) for discovery.
import type { ServerResponse } from 'node:http';
import { BadRequestError, StatusError } from '../../api/errors.js';
import { CA_PROOF_HEADER, caProof } from '../../pki/ca-proof.js';

export interface JoinCA {
  caPem: string;
}

/** `tokenFor(id)`: the whole live bootstrap token with that id, undefined when none. */
export function serveCaCerts(res: ServerResponse, query: URLSearchParams, ca: JoinCA, tokenFor: (id: string) => string | undefined): void {
  const nonce = query.get('nonce') ?? '';
  if (!/^[0-9a-f]{16,128}$/.test(nonce)) throw new BadRequestError('nonce must be 16-128 hex digits');
  const id = query.get('id') ?? '';
  if (!/^[a-z0-9]{6}$/.test(id)) throw new BadRequestError('id must be the 6-character id of a bootstrap token');
  const token = tokenFor(id);
  if (!token) throw new StatusError(404, 'NotFound', `no valid bootstrap token with id "${id}" (expired, deleted or not for authentication)`);
  res.writeHead(200, { 'Content-Type': 'application/x-pem-file', [CA_PROOF_HEADER]: caProof(token, nonce, ca.caPem) });
  res.end(ca.caPem);
}
