// Clients that act as service accounts, as upstream's controller-manager client builder with
// --use-service-account-credentials: with the caller's own client it makes sure the account
// exists, asks TokenRequest for a token and asks again before it expires; requests then go out as
// `system:serviceaccount:<namespace>:<name>`, with only the account's own permissions.
import { isConflict, isNotFound } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import type { ClientConfig } from './kubeconfig.js';
import { RestClient } from './rest-client.js';
import { collectionPath, objectPath, R } from './resources.js';

/** Upstream's defaults: hour-long tokens, renewed once 80 % of the lifetime has passed. */
const TOKEN_SECONDS = 3600;
const RENEW_AT = 0.8;
const RETRY_MS = 10_000;

interface Account {
  client: RestClient;
  config: ClientConfig;
}

export class StoppedError extends Error {
  constructor() { super('service-account credentials stopped'); }
}

export class ServiceAccountCredentials {
  private readonly accounts = new Map<string, Promise<Account>>();
  /** Wakes every pending wait (retries, renewals) so that stop() ends them. */
  private readonly sleepers = new Set<() => void>();
  private stopped = false;

  constructor(private readonly client: RestClient, private readonly namespace: string, private readonly userAgent: string,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => undefined) {}

  /** A client acting as the named account; retries until the API answers, or rejects with StoppedError once stopped. */
  clientFor(name: string): Promise<RestClient> {
    let account = this.accounts.get(name);
    if (!account) {
      account = this.connect(name);
      this.accounts.set(name, account);
    }
    return account.then(a => a.client);
  }

  /** Stops renewing and closes every account's client. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.sleepers]) wake();
    const accounts = await Promise.allSettled(this.accounts.values());
    for (const a of accounts) if (a.status === 'fulfilled') a.value.client.close();
    this.accounts.clear();
  }

  private async connect(name: string): Promise<Account> {
    for (;;) {
      if (this.stopped) throw new StoppedError();
      try {
        await this.ensureAccount(name);
        const { token, expiresAt } = await this.requestToken(name);
        // The client reads its config's token on every request, so renewing replaces it in place.
        const { server, failoverServers, ca } = this.client.config;
        const config: ClientConfig = { server, failoverServers, ca, token };
        const account: Account = { client: new RestClient(config, `${this.userAgent}/${name}`), config };
        void this.keepRenewing(name, account, expiresAt);
        return account;
      } catch (err) {
        this.log('service-account credentials not ready, retrying', { serviceAccount: `${this.namespace}/${name}`, error: (err as Error).message });
        await this.sleep(RETRY_MS);
      }
    }
  }

  private async ensureAccount(name: string): Promise<void> {
    try {
      await this.client.get(objectPath(R.serviceaccounts, this.namespace, name));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await this.client.create(collectionPath(R.serviceaccounts, this.namespace), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: this.namespace } });
      } catch (createErr) {
        if (!isConflict(createErr)) throw createErr;
      }
    }
  }

  private async requestToken(name: string): Promise<{ token: string; expiresAt: number }> {
    const tr = await this.client.create<KubeObject & { status?: { token?: string; expirationTimestamp?: string } }>(
      objectPath(R.serviceaccounts, this.namespace, name, 'token'),
      { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: TOKEN_SECONDS } });
    const token = tr.status?.token;
    if (!token) throw new Error(`TokenRequest for ${this.namespace}/${name} returned no token`);
    const expiresAt = Date.parse(tr.status?.expirationTimestamp ?? '') || Date.now() + TOKEN_SECONDS * 1000;
    return { token, expiresAt };
  }

  /** Renews at 80 % of the token's lifetime; on failure the current token stays valid until it expires, and renewal is retried soon. */
  private async keepRenewing(name: string, account: Account, expiresAt: number): Promise<void> {
    let wait = Math.max(1000, (expiresAt - Date.now()) * RENEW_AT);
    for (;;) {
      await this.sleep(wait);
      if (this.stopped) return;
      try {
        await this.ensureAccount(name);
        const renewed = await this.requestToken(name);
        account.config.token = renewed.token;
        wait = Math.max(1000, (renewed.expiresAt - Date.now()) * RENEW_AT);
      } catch (err) {
        this.log('service-account token renewal failed, retrying', { serviceAccount: `${this.namespace}/${name}`, error: (err as Error).message });
        wait = RETRY_MS;
      }
    }
  }

  /** Resolves after `ms`, or at once when stopped. */
  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise(resolve => {
      const wake = () => { clearTimeout(t); this.sleepers.delete(wake); resolve(); };
      const t = setTimeout(wake, ms);
      t.unref();
      this.sleepers.add(wake);
    });
  }
}
