// Service-account issuer discovery (upstream's ServiceAccountIssuerDiscovery): an OpenID provider
// configuration and the JWK set of the token-signing keys, so that relying parties outside the
// cluster can verify service-account tokens without calling TokenReview.
import type { ServerResponse } from 'node:http';
import { ISSUER } from '../auth/serviceaccount/claims.js';
import type { ServiceAccountTokens } from '../auth/serviceaccount/tokens.js';

const CONFIG_PATH = '/.well-known/openid-configuration';
const JWKS_PATH = '/openid/v1/jwks';

export function isIssuerDiscoveryPath(path: string): boolean {
  return path === CONFIG_PATH || path === JWKS_PATH;
}

/** `serverAddress` is host:port of this server, where the JWK set is found (upstream's default jwks_uri). */
export function serveIssuerDiscovery(res: ServerResponse, path: string, serverAddress: string, tokens: ServiceAccountTokens): void {
  const [body, type] = path === CONFIG_PATH
    ? [{
      issuer: ISSUER,
      jwks_uri: `https://${serverAddress}${JWKS_PATH}`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [tokens.signingAlgorithm],
    }, 'application/json']
    : [tokens.jwks, 'application/jwk-set+json'];
  res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' });
  res.end(JSON.stringify(body));
}
