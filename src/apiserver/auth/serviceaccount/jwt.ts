// Compact JWS tokens signed with the service-account key, as upstream's pkg/serviceaccount/jwt.go:
// RS256 (or ES256 for an EC key) over `header.payload`, the header carrying the key id that
// upstream derives from the public key (base64url of the SHA-256 of its DER/PKIX encoding).
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** A token that is not one of ours: malformed, signed by another key, or with a bad header. */
export class InvalidTokenError extends Error {}

export type JwtClaims = Record<string, unknown>;

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export class JwtSigner {
  readonly keyId: string;
  readonly alg: 'RS256' | 'ES256';

  constructor(private readonly privateKey: KeyObject) {
    const type = privateKey.asymmetricKeyType;
    if (type !== 'rsa' && type !== 'ec') throw new Error(`unsupported service-account key type ${type}`);
    this.alg = type === 'rsa' ? 'RS256' : 'ES256';
    this.keyId = keyIdOf(createPublicKey(privateKey));
  }

  sign(claims: object): string {
    const input = `${b64url(JSON.stringify({ alg: this.alg, kid: this.keyId }))}.${b64url(JSON.stringify(claims))}`;
    // ES256 signatures in a JWS are the raw r||s pair, not DER.
    const sig = sign('sha256', Buffer.from(input), this.alg === 'ES256' ? { key: this.privateKey, dsaEncoding: 'ieee-p1363' } : this.privateKey);
    return `${input}.${b64url(sig)}`;
  }
}

export class JwtVerifier {
  constructor(private readonly publicKeys: KeyObject[]) {}

  /** The claims of a token signed by one of the keys; throws InvalidTokenError otherwise. */
  verify(token: string): JwtClaims {
    const parts = token.split('.');
    if (parts.length !== 3) throw new InvalidTokenError('token is not a compact JWS');
    const header = parseJson(parts[0]);
    const alg = header.alg;
    if (alg !== 'RS256' && alg !== 'ES256') throw new InvalidTokenError(`unsupported signing algorithm ${String(alg)}`);
    const input = Buffer.from(`${parts[0]}.${parts[1]}`);
    const sig = Buffer.from(parts[2], 'base64url');
    const ok = this.publicKeys.some(key => {
      if ((alg === 'RS256') !== (key.asymmetricKeyType === 'rsa')) return false;
      return verify('sha256', input, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, sig);
    });
    if (!ok) throw new InvalidTokenError('token signature is invalid');
    return parseJson(parts[1]);
  }
}

/** Upstream's key id: the public key's PKIX DER, hashed, base64url without padding. */
export function keyIdOf(publicKey: KeyObject): string {
  return b64url(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest());
}

function parseJson(part: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidTokenError('token part is not base64url-encoded JSON');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidTokenError('token part is not a JSON object');
  return v as Record<string, unknown>;
}
