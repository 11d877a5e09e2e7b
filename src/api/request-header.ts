// The requestheader authenticator (upstream's --requestheader-* flags): a front proxy — our own
// aggregator in front of an extension API server, or an authenticating proxy in front of us —
// proves itself with a client certificate signed by the requestheader CA whose CN is allowed, and
// then names the user in headers (X-Remote-User, X-Remote-Group, X-Remote-Extra-<key>). The same
// settings are published in kube-system/extension-apiserver-authentication for extension servers,
// which authenticate our aggregator with this same code.
import { X509Certificate } from 'node:crypto';

export type DistinctHeaders = NodeJS.Dict<string[]>;

/** Who the proxy says is calling (upstream's user.Info). */
export interface ProxiedUser {
  username: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface RequestHeaderConfig {
  /** PEM of the CA that signs front-proxy client certificates. */
  caPem: string;
  /** CNs a front-proxy certificate may carry; empty means any certificate of the CA. */
  allowedNames: string[];
  usernameHeaders: string[];
  groupHeaders: string[];
  extraHeaderPrefixes: string[];
}

/** kubeadm's flags: the headers our aggregator sends. */
export const DEFAULT_REQUEST_HEADERS = {
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeaderPrefixes: ['X-Remote-Extra-'],
};

export class RequestHeaderAuthenticator {
  private readonly ca: X509Certificate;

  constructor(readonly config: RequestHeaderConfig) {
    this.ca = new X509Certificate(config.caPem);
  }

  /** Whether a (TLS-verified) client certificate was issued by the requestheader CA. */
  issued(raw: Buffer): boolean {
    try {
      const cert = new X509Certificate(raw);
      return cert.checkIssued(this.ca) && cert.verify(this.ca.publicKey);
    } catch {
      return false;
    }
  }

  /** Whether this CA's certificate may act as a proxy (upstream refuses other CNs with a 401). */
  allows(commonName: string): boolean {
    const allowed = this.config.allowedNames;
    return !allowed.length || allowed.includes(commonName);
  }

  /**
   * The user the proxy names, or undefined when no username header is set (other authenticators
   * then decide). `headers` is the request's headersDistinct: one value per header line, as Go reads them.
   */
  user(headers: DistinctHeaders): ProxiedUser | undefined {
    const username = this.config.usernameHeaders.map(h => headers[h.toLowerCase()]?.[0]).find(Boolean);
    if (!username) return undefined;
    const groups = this.config.groupHeaders.flatMap(h => headers[h.toLowerCase()] ?? []);
    const extra: Record<string, string[]> = {};
    for (const prefix of this.config.extraHeaderPrefixes.map(p => p.toLowerCase())) {
      for (const [name, value] of Object.entries(headers)) {
        if (!name.startsWith(prefix) || value === undefined) continue;
        // Keys travel lower-cased and percent-encoded (upstream's headerKeyToExtraKey).
        const key = safeDecode(name.slice(prefix.length));
        (extra[key] ??= []).push(...value);
      }
    }
    return { username, groups, ...(Object.keys(extra).length ? { extra } : {}) };
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
