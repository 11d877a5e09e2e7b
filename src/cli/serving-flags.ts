// The HTTPS serving flags of the sample servers (`k8ts sample-apiserver`, `k8ts
// sample-conversion-webhook`), named as upstream's secure serving options name them.
import { readFileSync } from 'node:fs';
import { FlagError, type FlagSpec, type FlagValues } from './flags.js';

/** The flags; `trustedBy` names the caBundle that must trust the certificate. */
export function servingFlags(trustedBy: string): Record<string, FlagSpec> {
  return {
    'tls-cert-file': { type: 'string', help: `PEM serving certificate (${trustedBy} must trust it)` },
    'tls-private-key-file': { type: 'string', help: 'PEM key of the serving certificate' },
    'secure-port': { type: 'int', default: 443, help: 'HTTPS port' },
    'bind-address': { type: 'string', default: '0.0.0.0', help: 'address to listen on' },
  };
}

/** The certificate and key read from their files, and where to listen. */
export function servingOptions(f: FlagValues): { cert: string; key: string; port: number; bindAddress: string } {
  if (!f['tls-cert-file'] || !f['tls-private-key-file']) throw new FlagError('--tls-cert-file and --tls-private-key-file are required');
  return {
    cert: readFileSync(String(f['tls-cert-file']), 'utf8'), key: readFileSync(String(f['tls-private-key-file']), 'utf8'),
    port: Number(f['secure-port']), bindAddress: String(f['bind-address']),
  };
}
