// Bootstrap tokens (upstream k8s.io/cluster-bootstrap): `<token-id>.<token-secret>`, kept as
// Secrets of type bootstrap.kubernetes.io/token named bootstrap-token-<token-id> in kube-system.
// Shared by the API server's authenticator, the token cleaner, the server that creates the join
// token and the agent that presents it.
import { randomInt } from 'node:crypto';
import type { KubeObject } from './object.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';
export const BOOTSTRAP_USER_PREFIX = 'system:bootstrap:';
export const BOOTSTRAPPERS_GROUP = 'system:bootstrappers';

const TOKEN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
const EXTRA_GROUP = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface BootstrapToken {
  id: string;
  secret: string;
}

/** The id and secret of a well-formed token, undefined for anything else (not a bootstrap token). */
export function parseBootstrapToken(text: string): BootstrapToken | undefined {
  const m = TOKEN.exec(text);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

export function formatBootstrapToken(t: BootstrapToken): string {
  return `${t.id}.${t.secret}`;
}

export function generateBootstrapToken(): BootstrapToken {
  const pick = (n: number) => Array.from({ length: n }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
  return { id: pick(6), secret: pick(16) };
}

export function bootstrapTokenSecretName(id: string): string {
  return BOOTSTRAP_TOKEN_SECRET_PREFIX + id;
}

export interface BootstrapTokenSecretOptions {
  description?: string;
  /** RFC 3339 time after which the token is void (and the Secret is removed). */
  expiration?: string;
  /** Extra groups, each `system:bootstrappers:...`. */
  extraGroups?: string[];
}

/** A Secret holding a token usable for authentication (and for signing, as kubeadm's). */
export function bootstrapTokenSecret(t: BootstrapToken, o: BootstrapTokenSecretOptions = {}): KubeObject {
  const stringData: Record<string, string> = {
    'token-id': t.id,
    'token-secret': t.secret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
  };
  if (o.description) stringData.description = o.description;
  if (o.expiration) stringData.expiration = o.expiration;
  if (o.extraGroups?.length) stringData['auth-extra-groups'] = o.extraGroups.join(',');
  return {
    apiVersion: 'v1', kind: 'Secret', type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: bootstrapTokenSecretName(t.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE },
    stringData,
  } as KubeObject;
}

/** A value of a Secret's data (base64) or stringData. */
export function secretValue(secret: KubeObject, key: string): string | undefined {
  const s = secret as { data?: Record<string, string>; stringData?: Record<string, string> };
  if (s.stringData?.[key] !== undefined) return s.stringData[key];
  const b64 = s.data?.[key];
  return b64 === undefined ? undefined : Buffer.from(b64, 'base64').toString('utf8');
}

/**
 * Whether the Secret's `expiration` has passed (upstream's HasExpired): an unparsable expiration
 * counts as expired, so a mistyped date never makes a token live forever.
 */
export function bootstrapTokenExpired(secret: KubeObject, now = Date.now()): boolean {
  const text = secretValue(secret, 'expiration');
  if (text === undefined) return false;
  const t = parseRfc3339(text);
  return t === undefined || t <= now;
}

/** Milliseconds until the token expires, undefined for one that never does. */
export function bootstrapTokenTimeLeft(secret: KubeObject, now = Date.now()): number | undefined {
  const text = secretValue(secret, 'expiration');
  if (text === undefined) return undefined;
  const t = parseRfc3339(text);
  return t === undefined ? 0 : t - now;
}

function parseRfc3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

export class BootstrapTokenInvalidError extends Error {}

/**
 * The groups a token Secret grants (upstream's GetGroups): system:bootstrappers plus its
 * auth-extra-groups, each of which must be a system:bootstrappers:* group.
 */
export function bootstrapTokenGroups(secret: KubeObject): string[] {
  const groups = new Set([BOOTSTRAPPERS_GROUP]);
  const extra = secretValue(secret, 'auth-extra-groups');
  if (extra) {
    for (const g of extra.split(',').map(s => s.trim())) {
      if (!EXTRA_GROUP.test(g)) throw new BootstrapTokenInvalidError(`bootstrap group "${g}" is invalid (must match ${EXTRA_GROUP.source})`);
      groups.add(g);
    }
  }
  return [...groups];
}
