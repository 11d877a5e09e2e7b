// `/cacerts?nonce=N`: the cluster CA for joining agents, public like k3s's, with a proof header
// (see pki/ca-proof.ts) that lets the agent check the CA against its join token before trusting it.
import type { ServerResponse } from 'node:http';
import { BadRequestError } from '../../api/errors.js';
import { CA_PROOF_HEADER, caProof } from '../../pki/ca-proof.js';

export interface JoinCA {
  caPem: string;
  joinToken: string;
}

export function serveCaCerts(res: ServerResponse, query: URLSearchParams, ca: JoinCA): void {
  const nonce = query.get('nonce') ?? '';
  if (!/^[0-9a-f]{16,128}$/.test(nonce)) throw new BadRequestError('nonce must be 16-128 hex digits');
  res.writeHead(200, { 'Content-Type': 'application/x-pem-file', [CA_PROOF_HEADER]: caProof(ca.joinToken, nonce, ca.caPem) });
  res.end(ca.caPem);
}
