// Upstream's authorizer library (library/authz.go): the `authorizer` variable checks what the
// requesting user (or `authorizer.serviceAccount(ns, name)`) may do:
//   authorizer.group('apps').resource('deployments').subresource('scale').namespace('ns').name('x')
//     .check('update').allowed() / .reason() / .errored() / .error()
//   authorizer.path('/healthz').check('get').allowed()
// CEL runs synchronously while the API server's authorizers may answer with a promise, so a
// binding answers from its per-request cache and records what it could not answer; the caller
// settles those (awaits them into the cache) and evaluates again (see `CelAuthorizer.settle`).
// That is upstream's caching authorizer per request, made to also bridge the await.
import { celMethod, CelScalar, type CelFunc } from '@bufbuild/cel';
import type { ReflectMessage } from '@bufbuild/protobuf/reflect';
import { opaqueType } from '../opaque.js';

const { STRING, BOOL } = CelScalar;

export interface AuthzUser {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What is asked: a resource request (apiGroup/resource/...) or a non-resource path. */
export interface AuthzAttributes {
  user: AuthzUser;
  verb: string;
  isResourceRequest: boolean;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  path: string;
}

export interface AuthzDecision {
  decision: 'allow' | 'deny' | 'noOpinion';
  reason: string;
  /** Set when the authorizer failed to decide. */
  error?: string;
}

export type AuthorizeFn = (attrs: AuthzAttributes) => AuthzDecision | Promise<AuthzDecision>;

/** One request's authorizer as CEL sees it: answers are cached, promises are settled between runs. */
export class CelAuthorizer {
  private readonly answers = new Map<string, AuthzDecision>();
  private readonly pending = new Map<string, Promise<AuthzDecision>>();

  constructor(private readonly authorize: AuthorizeFn, readonly user: AuthzUser) {}

  /** The CEL value of the `authorizer` variable. */
  value() {
    return AuthorizerType.make(`authorizer:${this.user.username}`, { authz: this, user: this.user });
  }

  /** `authorizer.requestResource`: a check of the resource the request is about, for the requesting user. */
  requestResource(r: { group: string; resource: string; subresource: string; namespace: string; name: string }) {
    return keyed(ResourceCheckType, { authz: this, user: this.user, ...r });
  }

  decide(attrs: AuthzAttributes): AuthzDecision {
    const key = JSON.stringify(attrs);
    const known = this.answers.get(key);
    if (known) return known;
    let answer: AuthzDecision | Promise<AuthzDecision>;
    try {
      answer = this.authorize(attrs);
    } catch (err) {
      answer = { decision: 'noOpinion', reason: '', error: (err as Error).message };
    }
    if (answer instanceof Promise) {
      this.pending.set(key, answer.catch(err => ({ decision: 'noOpinion' as const, reason: '', error: (err as Error).message })));
      return { decision: 'noOpinion', reason: '', error: 'authorization pending' };
    }
    this.answers.set(key, answer);
    return answer;
  }

  /** Awaits the answers the last evaluation could not have; true when the caller must evaluate again. */
  async settle(): Promise<boolean> {
    if (this.pending.size === 0) return false;
    const waiting = [...this.pending];
    this.pending.clear();
    for (const [key, p] of waiting) this.answers.set(key, await p);
    return true;
  }
}

interface Subject { authz: CelAuthorizer; user: AuthzUser }
interface Check extends Subject { group?: string; resource?: string; subresource?: string; namespace?: string; name?: string; path?: string }

export const AuthorizerType = opaqueType<Subject>('kubernetes.authorization.Authorizer');
const PathCheckType = opaqueType<Check>('kubernetes.authorization.PathCheck');
const GroupCheckType = opaqueType<Check>('kubernetes.authorization.GroupCheck');
const ResourceCheckType = opaqueType<Check>('kubernetes.authorization.ResourceCheck');
const DecisionType = opaqueType<AuthzDecision>('kubernetes.authorization.Decision');

const AUTHZ = AuthorizerType.celType;
const PATH = PathCheckType.celType;
const GROUP = GroupCheckType.celType;
const RESOURCE = ResourceCheckType.celType;
const DECISION = DecisionType.celType;

let serial = 0;
/** Checks are compared by identity: no two are `==` unless they are the same value. */
const keyed = <T>(t: ReturnType<typeof opaqueType<T>>, payload: T) => t.make(`#${++serial}`, payload);

function resourceCheck(v: ReflectMessage, change: Partial<Check>) {
  return keyed(ResourceCheckType, { ...ResourceCheckType.payload(v), ...change });
}

function decide(c: Check, verb: string, isResourceRequest: boolean) {
  const d = c.authz.decide({
    user: c.user,
    verb,
    isResourceRequest,
    apiGroup: c.group ?? '',
    resource: c.resource ?? '',
    subresource: c.subresource ?? '',
    namespace: c.namespace ?? '',
    name: c.name ?? '',
    path: c.path ?? '',
  });
  return keyed(DecisionType, d);
}

const decision = (v: ReflectMessage) => DecisionType.payload(v);

export const authzLibrary: CelFunc[] = [
  celMethod('path', AUTHZ, [STRING], PATH, function (path) { return keyed(PathCheckType, { ...AuthorizerType.payload(this), path }); }),
  celMethod('group', AUTHZ, [STRING], GROUP, function (group) { return keyed(GroupCheckType, { ...AuthorizerType.payload(this), group }); }),
  celMethod('serviceAccount', AUTHZ, [STRING, STRING], AUTHZ, function (namespace, name) {
    const { authz } = AuthorizerType.payload(this);
    const user = { username: `system:serviceaccount:${namespace}:${name}`, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`] };
    return AuthorizerType.make(`authorizer:${user.username}`, { authz, user });
  }),
  celMethod('check', PATH, [STRING], DECISION, function (verb) { return decide(PathCheckType.payload(this), verb.toLowerCase(), false); }),
  celMethod('resource', GROUP, [STRING], RESOURCE, function (resource) { return keyed(ResourceCheckType, { ...GroupCheckType.payload(this), resource }); }),
  celMethod('subresource', RESOURCE, [STRING], RESOURCE, function (subresource) { return resourceCheck(this, { subresource }); }),
  celMethod('namespace', RESOURCE, [STRING], RESOURCE, function (namespace) { return resourceCheck(this, { namespace }); }),
  celMethod('name', RESOURCE, [STRING], RESOURCE, function (name) { return resourceCheck(this, { name }); }),
  celMethod('check', RESOURCE, [STRING], DECISION, function (verb) { return decide(ResourceCheckType.payload(this), verb, true); }),
  celMethod('allowed', DECISION, [], BOOL, function () { return decision(this).decision === 'allow'; }),
  celMethod('reason', DECISION, [], STRING, function () { return decision(this).reason; }),
  celMethod('errored', DECISION, [], BOOL, function () { return decision(this).error !== undefined; }),
  celMethod('error', DECISION, [], STRING, function () { return decision(this).error ?? ''; }),
];

