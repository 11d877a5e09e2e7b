// The claims of a service-account token and their validation, as upstream's
// pkg/serviceaccount/claims.go: registered claims (iss, sub, aud, exp, iat, nbf, jti) plus the
// private `kubernetes.io` claim naming the service account and the object the token is bound to.
// A token stays valid only while that service account (and bound pod/secret) exists with the
// same uid.
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../../../api/object.js';
import type { UserInfo } from '../../context.js';

/** Upstream's --service-account-issuer as k3s sets it; also the API server's audience. */
export const ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** Clock skew tolerated on exp, nbf and iat (go-jose's default leeway). */
export const LEEWAY_SECONDS = 60;

interface Ref { name: string; uid: string }

export interface PrivateClaims {
  namespace: string;
  serviceaccount: Ref;
  pod?: Ref;
  secret?: Ref;
  node?: Ref;
  /** Set on kubelet tokens whose expiry was extended: a client still using it after this is stale. */
  warnafter?: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': PrivateClaims;
}

/** A token that is ours but no longer (or not yet) valid; the reason is upstream's wording. */
export class TokenRejectedError extends Error {}

export interface BoundObjects {
  pod?: KubeObject;
  secret?: KubeObject;
  node?: KubeObject;
}

const ref = (o: KubeObject): Ref => ({ name: o.metadata.name!, uid: o.metadata.uid! });

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

export function buildClaims(sa: KubeObject, bound: BoundObjects, audiences: string[], expirationSeconds: number, nowSeconds: number, warnAfterSeconds?: number): ServiceAccountClaims {
  const k8s: PrivateClaims = { namespace: sa.metadata.namespace!, serviceaccount: ref(sa) };
  if (bound.pod) {
    k8s.pod = ref(bound.pod);
    // A pod-bound token also names the pod's node (upstream's ServiceAccountTokenPodNodeInfo).
    if (bound.node) k8s.node = ref(bound.node);
  } else if (bound.secret) {
    k8s.secret = ref(bound.secret);
  } else if (bound.node) {
    k8s.node = ref(bound.node);
  }
  if (warnAfterSeconds !== undefined) k8s.warnafter = nowSeconds + warnAfterSeconds;
  return {
    iss: ISSUER,
    sub: serviceAccountUsername(sa.metadata.namespace!, sa.metadata.name!),
    aud: audiences,
    exp: nowSeconds + expirationSeconds,
    iat: nowSeconds,
    nbf: nowSeconds,
    jti: randomUUID(),
    'kubernetes.io': k8s,
  };
}

/** Where validation looks up the objects a token names (the API server's watch caches). */
export interface ClaimObjects {
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  pod(namespace: string, name: string): KubeObject | undefined;
  secret(namespace: string, name: string): KubeObject | undefined;
  node(name: string): KubeObject | undefined;
}

/**
 * The user a verified token stands for, or TokenRejectedError. `audiences` are the ones the
 * caller accepts; the token must carry at least one of them.
 */
export function validateClaims(raw: object, audiences: string[], objects: ClaimObjects, nowSeconds: number): { user: UserInfo; audiences: string[] } {
  const c = raw as Partial<ServiceAccountClaims>;
  if (c.iss !== ISSUER) throw new TokenRejectedError('token issuer is not the service account issuer');
  const numeric = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!numeric(c.exp)) throw new TokenRejectedError('service account token could not be validated');
  if (nowSeconds > c.exp! + LEEWAY_SECONDS) throw new TokenRejectedError('service account token has expired');
  if ((numeric(c.nbf) && nowSeconds < c.nbf! - LEEWAY_SECONDS) || (numeric(c.iat) && nowSeconds < c.iat! - LEEWAY_SECONDS)) {
    throw new TokenRejectedError('service account token could not be validated');
  }
  const tokenAuds = typeof c.aud === 'string' ? [c.aud] : Array.isArray(c.aud) ? c.aud.filter(a => typeof a === 'string') : [];
  const matched = audiences.filter(a => tokenAuds.includes(a));
  if (!matched.length) throw new TokenRejectedError(`token audiences ${JSON.stringify(tokenAuds)} is invalid for the target audiences ${JSON.stringify(audiences)}`);

  const k8s = c['kubernetes.io'];
  if (!k8s?.namespace || !k8s.serviceaccount?.name || !k8s.serviceaccount.uid) throw new TokenRejectedError('service account token claims could not be retrieved');
  const ns = k8s.namespace;
  // Objects deleted more than the leeway ago no longer back a token.
  const gone = (o: KubeObject | undefined) => !o || (!!o.metadata.deletionTimestamp && Date.parse(o.metadata.deletionTimestamp) / 1000 < nowSeconds - LEEWAY_SECONDS);
  const check = (kind: string, r: Ref, o: KubeObject | undefined) => {
    if (gone(o)) throw new TokenRejectedError(`${kind} ${ns}/${r.name} has been deleted`);
    if (o!.metadata.uid !== r.uid) throw new TokenRejectedError(`${kind} UID (${o!.metadata.uid}) does not match claim (${r.uid})`);
  };
  check('service account', k8s.serviceaccount, objects.serviceAccount(ns, k8s.serviceaccount.name));
  if (k8s.secret) check('secret', k8s.secret, objects.secret(ns, k8s.secret.name));
  if (k8s.pod) check('pod', k8s.pod, objects.pod(ns, k8s.pod.name));
  // A node-bound token needs its node; in a pod-bound one the node is information only.
  if (k8s.node && !k8s.pod) {
    const node = objects.node(k8s.node.name);
    if (!node) throw new TokenRejectedError('service account token has been invalidated');
    if (node.metadata.uid !== k8s.node.uid) throw new TokenRejectedError(`node UID (${node.metadata.uid}) does not match claim (${k8s.node.uid})`);
  }

  const extra: Record<string, string[]> = {};
  if (k8s.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [k8s.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [k8s.pod.uid];
  }
  if (k8s.node) {
    extra['authentication.kubernetes.io/node-name'] = [k8s.node.name];
    extra['authentication.kubernetes.io/node-uid'] = [k8s.node.uid];
  }
  if (typeof c.jti === 'string' && c.jti) extra['authentication.kubernetes.io/credential-id'] = [`JTI=${c.jti}`];
  return {
    user: {
      username: serviceAccountUsername(ns, k8s.serviceaccount.name),
      uid: k8s.serviceaccount.uid,
      groups: ['system:serviceaccounts', `system:serviceaccounts:${ns}`, 'system:authenticated'],
      ...(Object.keys(extra).length ? { extra } : {}),
    },
    audiences: matched,
  };
}
