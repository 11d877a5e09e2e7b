// serviceaccounts/token (TokenRequest): issues a service-account token, optionally bound to a pod,
// secret or node that must exist (with the given uid), as upstream's
// pkg/registry/core/serviceaccount/storage/token.go. Nothing is stored.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BadRequestError, ConflictError, FieldError, InvalidError, MethodNotAllowedError } from '../../api/errors.js';
import { nowTimestamp, type KubeObject } from '../../api/object.js';
import type { BoundObjects } from '../auth/serviceaccount/claims.js';
import type { ServiceAccountTokens } from '../auth/serviceaccount/tokens.js';
import { decodeObject, mediaTypeOf, readBody } from '../http/body.js';
import { sendJson } from '../http/respond.js';
import type { RequestContext } from '../context.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceRequest } from '../request-info.js';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;
/**
 * The kubelet asks for 3607 s on the tokens it mounts for pods (admission's kube-api-access volume);
 * upstream (--service-account-extend-token-expiration, on by default) makes those valid for a year
 * and marks when the client should have refreshed, so old clients that never re-read the file keep working.
 */
export const WARN_ONLY_EXPIRATION_SECONDS = 3607;
const EXTENDED_EXPIRATION_SECONDS = 365 * 24 * 60 * 60;

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string };
}

export function isTokenRequest(ri: ResourceRequest): boolean {
  return ri.group === '' && ri.resource === 'serviceaccounts' && ri.subresource === 'token';
}

export async function handleTokenRequest(req: IncomingMessage, res: ServerResponse, ri: ResourceRequest, ctx: RequestContext, registry: Registry, tokens: ServiceAccountTokens): Promise<void> {
  if (ri.verb !== 'create') throw new MethodNotAllowedError('the server does not allow this method on the requested resource');
  const tr = decodeObject(await readBody(req), mediaTypeOf(req)) as KubeObject & { spec?: TokenRequestSpec };
  const invalid = (field: string, value: unknown, detail: string) =>
    new InvalidError('TokenRequest', ri.name, 'authentication.k8s.io', [new FieldError('FieldValueInvalid', field, detail, value)]);
  const meta = tr.metadata ?? {};
  if (meta.name && meta.name !== ri.name) throw invalid('metadata.name', meta.name, 'must match the service account name if specified');
  if (meta.namespace && meta.namespace !== ri.namespace) throw invalid('metadata.namespace', meta.namespace, 'must match the service account namespace if specified');
  const serviceAccounts = registry.get('', 'serviceaccounts');
  const sa = serviceAccounts.get(ri.namespace, ri.name);
  // As upstream's create handler: the TokenRequest goes through admission (NodeRestriction: a kubelet's tokens are bound to its pods).
  await serviceAccounts.admitSubresourceCreate(ctx, ri.namespace, ri.name, 'token', tr);

  const spec: TokenRequestSpec = { ...tr.spec };
  if (!spec.audiences?.length) spec.audiences = tokens.apiAudiences;
  spec.expirationSeconds ??= DEFAULT_EXPIRATION_SECONDS;
  const now = new Date();
  if (spec.expirationSeconds < MIN_EXPIRATION_SECONDS) throw invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 10 minutes');
  if (spec.expirationSeconds > MAX_EXPIRATION_SECONDS) throw invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration larger than 2^32 seconds');

  const bound = spec.boundObjectRef ? boundObjects(registry, ri.namespace, ri.name, spec.boundObjectRef) : {};
  let exp = spec.expirationSeconds;
  let warnAfter: number | undefined;
  if (bound.pod && exp === WARN_ONLY_EXPIRATION_SECONDS && spec.audiences.every(a => tokens.apiAudiences.includes(a))) {
    warnAfter = exp;
    exp = EXTENDED_EXPIRATION_SECONDS;
  }
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const token = tokens.issue(sa, bound, spec.audiences, exp, nowSeconds, warnAfter);
  sendJson(res, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: sa.metadata.name, namespace: sa.metadata.namespace, creationTimestamp: nowTimestamp(now) },
    spec,
    // The requested lifetime, not an extended one: that is when the kubelet should refresh.
    status: { token, expirationTimestamp: nowTimestamp(new Date((nowSeconds + spec.expirationSeconds) * 1000)) },
  });
}

/** The object a token is bound to, which must exist (and have the given uid). */
function boundObjects(registry: Registry, namespace: string, saName: string, ref: NonNullable<TokenRequestSpec['boundObjectRef']>): BoundObjects {
  const apiVersion = ref.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const name = ref.name ?? '';
  let bound: BoundObjects;
  let uid: string | undefined;
  if (group === '' && ref.kind === 'Pod') {
    const pod = registry.get('', 'pods').get(namespace, name);
    const spec = pod.spec as { serviceAccountName?: string; nodeName?: string };
    if (spec.serviceAccountName !== saName) {
      throw new BadRequestError(`cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`);
    }
    // The pod's node is named in the token when known; a missing node does not stop the request.
    const node = spec.nodeName ? registry.get('', 'nodes').getCached('', spec.nodeName)?.object : undefined;
    bound = { pod, node };
    uid = pod.metadata.uid;
  } else if (group === '' && ref.kind === 'Secret') {
    bound = { secret: registry.get('', 'secrets').get(namespace, name) };
    uid = bound.secret!.metadata.uid;
  } else if (group === '' && ref.kind === 'Node') {
    bound = { node: registry.get('', 'nodes').get('', name) };
    uid = bound.node!.metadata.uid;
  } else {
    // Go's GroupVersionKind.String(): `group/version, Kind=kind`.
    throw new BadRequestError(`cannot bind token to object of type ${group}/${apiVersion.split('/').pop()}, Kind=${ref.kind ?? ''}`);
  }
  if (ref.uid && ref.uid !== uid) {
    throw new ConflictError({ group: '', resource: ref.kind!, name },
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
  }
  return bound;
}
