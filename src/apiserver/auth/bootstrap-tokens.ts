// The bootstrap token authenticator (upstream plugin/pkg/auth/authenticator/token/bootstrap): a
// bearer token `<id>.<secret>` whose kube-system/bootstrap-token-<id> Secret is live, matches, is
// meant for authentication and has not expired authenticates as system:bootstrap:<id> in
// system:bootstrappers plus the Secret's extra groups. Lookups use the watch cache.
import { timingSafeEqual } from 'node:crypto';
import type { KubeObject } from '../../api/object.js';
import {
  BOOTSTRAP_TOKEN_NAMESPACE, BOOTSTRAP_TOKEN_SECRET_TYPE, BOOTSTRAP_USER_PREFIX, BootstrapTokenInvalidError,
  bootstrapTokenExpired, bootstrapTokenGroups, bootstrapTokenSecretName, parseBootstrapToken, secretValue,
} from '../../api/bootstrap-token.js';
import type { UserInfo } from '../context.js';

/** Looks a Secret up by namespace and name. */
export type SecretLookup = (namespace: string, name: string) => KubeObject | undefined;

export type BootstrapTokenResult =
  /** Not a bootstrap token, or none by that id: other authenticators may know it. */
  | { kind: 'unknown' }
  | { kind: 'user'; user: UserInfo }
  | { kind: 'rejected'; reason: string };

export class BootstrapTokenAuthenticator {
  constructor(private readonly secrets: SecretLookup) {}

  /** The whole token of a live, authenticating token id (what keys the /cacerts proof), else undefined. */
  tokenFor(id: string): string | undefined {
    const secret = this.secrets(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(id));
    const token = secret && `${id}.${secretValue(secret, 'token-secret') ?? ''}`;
    return token && this.authenticate(token).kind === 'user' ? token : undefined;
  }

  authenticate(token: string): BootstrapTokenResult {
    const t = parseBootstrapToken(token);
    if (!t) return { kind: 'unknown' };
    const secret = this.secrets(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(t.id));
    if (!secret) return { kind: 'unknown' };
    const reject = (reason: string) => ({ kind: 'rejected', reason } as const);
    if (secret.metadata.deletionTimestamp) return reject(`secret ${secret.metadata.name} is being deleted`);
    if ((secret as { type?: string }).type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return reject(`secret ${secret.metadata.name} is not of type ${BOOTSTRAP_TOKEN_SECRET_TYPE}`);
    const known = Buffer.from(secretValue(secret, 'token-secret') ?? '');
    const presented = Buffer.from(t.secret);
    if (known.length !== presented.length || !timingSafeEqual(known, presented)) return reject('bootstrap token secret does not match');
    if (secretValue(secret, 'token-id') !== t.id) return reject(`token id does not match secret ${secret.metadata.name}`);
    if (bootstrapTokenExpired(secret)) return reject(`secret ${secret.metadata.name} has expired`);
    if (secretValue(secret, 'usage-bootstrap-authentication') !== 'true') return reject(`secret ${secret.metadata.name} is not marked usage-bootstrap-authentication`);
    try {
      return { kind: 'user', user: { username: BOOTSTRAP_USER_PREFIX + t.id, groups: bootstrapTokenGroups(secret) } };
    } catch (err) {
      if (err instanceof BootstrapTokenInvalidError) return reject(err.message);
      throw err;
    }
  }
}
