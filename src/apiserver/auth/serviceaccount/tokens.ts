// The service-account token service of the API server: issues tokens for TokenRequest and
// authenticates them for requests and TokenReview, checking the objects they name in the
// server's watch caches.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { KubeObject } from '../../../api/object.js';
import type { UserInfo } from '../../context.js';
import type { Registry } from '../../registry/registry.js';
import { buildClaims, ISSUER, validateClaims, type BoundObjects, type ClaimObjects } from './claims.js';
import { JwtSigner, JwtVerifier } from './jwt.js';

export class ServiceAccountTokens {
  /** The audiences the API server itself accepts (upstream's --api-audiences, default the issuer). */
  readonly apiAudiences = [ISSUER];
  /** The verification keys as a JWK set (served for OIDC discovery). */
  readonly jwks: { keys: Record<string, unknown>[] };
  private readonly signer: JwtSigner;
  private readonly verifier: JwtVerifier;

  constructor(privateKeyPem: string, private readonly objects: ClaimObjects) {
    const key = createPrivateKey(privateKeyPem);
    const publicKey = createPublicKey(key);
    this.signer = new JwtSigner(key);
    this.verifier = new JwtVerifier([publicKey]);
    this.jwks = { keys: [{ use: 'sig', ...publicKey.export({ format: 'jwk' }), kid: this.signer.keyId, alg: this.signer.alg }] };
  }

  get signingAlgorithm(): string {
    return this.signer.alg;
  }

  issue(sa: KubeObject, bound: BoundObjects, audiences: string[], expirationSeconds: number, nowSeconds: number, warnAfterSeconds?: number): string {
    return this.signer.sign(buildClaims(sa, bound, audiences, expirationSeconds, nowSeconds, warnAfterSeconds));
  }

  /** The user of a valid token for one of `audiences`; throws InvalidTokenError / TokenRejectedError. */
  authenticate(token: string, audiences: string[] = this.apiAudiences): { user: UserInfo; audiences: string[] } {
    const claims = this.verifier.verify(token);
    return validateClaims(claims, audiences, this.objects, Math.floor(Date.now() / 1000));
  }
}

/** Claim lookups against the registry's watch caches (no storage reads on the request path). */
export function registryClaimObjects(registry: () => Registry): ClaimObjects {
  const cached = (resource: string, namespace: string, name: string) => registry().get('', resource).getCached(namespace, name)?.object;
  return {
    serviceAccount: (ns, name) => cached('serviceaccounts', ns, name),
    pod: (ns, name) => cached('pods', ns, name),
    secret: (ns, name) => cached('secrets', ns, name),
    node: name => cached('nodes', '', name),
  };
}
