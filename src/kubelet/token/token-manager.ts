// Service-account tokens for projected volumes, as upstream's pkg/kubelet/token/token_manager.go:
// each (pod, account, audience, lifetime) gets a pod-bound token from the TokenRequest API, kept
// until 80% of its lifetime has passed (or 24 h, for long ones), with a little jitter so pods do
// not all refresh at once. If a refresh fails, the old token serves while it is still valid.
import type { ServiceAccountTokenProjection } from '../../api/types/generated.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, R } from '../../client/resources.js';
import type { PodObject } from '../types.js';

const MAX_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_JITTER_MS = 10_000;
const DEFAULT_EXPIRATION_SECONDS = 3600;

export interface TokenSource {
  /** The token a projected `serviceAccountToken` source of the pod holds now. */
  podToken(pod: PodObject, projection: ServiceAccountTokenProjection): Promise<string>;
  /** Drops the tokens of a pod that is gone from the node. */
  forgetPod(uid: string): void;
}

interface TokenRequestResult {
  spec?: { expirationSeconds?: number };
  status?: { token?: string; expirationTimestamp?: string };
}

interface CachedToken {
  podUid: string;
  token: string;
  expiresAtMs: number;
  lifetimeMs: number;
}

export class TokenManager implements TokenSource {
  private readonly cache = new Map<string, CachedToken>();

  constructor(private readonly client: RestClient, private readonly now: () => number = Date.now) {}

  async podToken(pod: PodObject, p: ServiceAccountTokenProjection): Promise<string> {
    const namespace = pod.metadata.namespace ?? 'default';
    const account = pod.spec.serviceAccountName || 'default';
    const expirationSeconds = p.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
    const key = JSON.stringify([namespace, account, p.audience ?? '', expirationSeconds, pod.metadata.name, pod.metadata.uid]);
    const cached = this.cache.get(key);
    if (cached && !this.needsRefresh(cached)) return cached.token;
    let result: TokenRequestResult;
    try {
      result = await this.client.create<TokenRequestResult>(objectPath(R.serviceaccounts, namespace, account, 'token'), {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: {
          ...(p.audience ? { audiences: [p.audience] } : {}),
          expirationSeconds,
          boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
        },
      });
    } catch (err) {
      if (cached && this.now() < cached.expiresAtMs) return cached.token;
      throw err;
    }
    const token = result.status?.token;
    const expiresAtMs = Date.parse(result.status?.expirationTimestamp ?? '');
    if (!token || !Number.isFinite(expiresAtMs)) throw new Error(`TokenRequest for serviceaccount ${namespace}/${account} returned no token`);
    this.cache.set(key, { podUid: pod.metadata.uid!, token, expiresAtMs, lifetimeMs: (result.spec?.expirationSeconds ?? expirationSeconds) * 1000 });
    return token;
  }

  forgetPod(uid: string): void {
    for (const [k, t] of this.cache) if (t.podUid === uid) this.cache.delete(k);
  }

  /** Past 24 h since issue, or within the last 20% of the lifetime (each less a jitter). */
  private needsRefresh(t: CachedToken): boolean {
    const now = this.now();
    const jitter = Math.random() * MAX_JITTER_MS;
    const issuedAt = t.expiresAtMs - t.lifetimeMs;
    if (now > issuedAt + MAX_TTL_MS - jitter) return true;
    return now > t.expiresAtMs - t.lifetimeMs * 0.2 - jitter;
  }
}
