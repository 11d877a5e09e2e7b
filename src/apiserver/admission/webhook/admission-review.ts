// AdmissionReview (admission.k8s.io/v1, or v1beta1 for webhooks that accept only that): the
// request the API server sends, with upstream's fields in upstream's order, and the checks
// upstream's VerifyAdmissionResponse makes of the answer.
import type { KubeObject } from '../../../api/object.js';
import type { RequestContext } from '../../context.js';
import type { AdmissionAttributes } from '../types.js';
import type { GroupVersionKind, Invocation } from './matching.js';
import { kindOf, requestNamespace } from './matching.js';

/** The versions we can send, in no particular preference: the webhook's list decides. */
const KNOWN_VERSIONS = ['v1', 'v1beta1'];

export class UnknownReviewVersionsError extends Error {
  constructor() {
    super('webhook does not accept known AdmissionReview versions (v1, v1beta1)');
  }
}

/** The first AdmissionReview version in the webhook's list that we can send. */
export function reviewVersion(admissionReviewVersions: string[] | undefined): string {
  const v = (admissionReviewVersions ?? []).find(x => KNOWN_VERSIONS.includes(x));
  if (!v) throw new UnknownReviewVersionsError();
  return v;
}

/** The object and old object as the invoked version sees them. */
export interface VersionedObjects {
  object?: KubeObject;
  oldObject?: KubeObject;
}

export function createAdmissionReview(version: string, uid: string, a: AdmissionAttributes, invocation: Invocation, versioned: VersionedObjects): Record<string, unknown> {
  const requestKind: GroupVersionKind = kindOf(a.resource, a.subresource);
  const request: Record<string, unknown> = {
    uid,
    kind: gvk(invocation.kind),
    resource: { group: invocation.resource.group, version: invocation.resource.version, resource: invocation.resource.resource },
  };
  if (invocation.subresource) request.subResource = invocation.subresource;
  request.requestKind = gvk(requestKind);
  request.requestResource = { group: a.resource.group, version: a.resource.version, resource: a.resource.resource };
  if (a.subresource) request.requestSubResource = a.subresource;
  if (a.name) request.name = a.name;
  const namespace = requestNamespace(a);
  if (namespace) request.namespace = namespace;
  request.operation = a.operation;
  request.userInfo = userInfo(a.ctx);
  // RawExtensions without an object encode as null, as upstream's do.
  request.object = versioned.object ?? null;
  request.oldObject = versioned.oldObject ?? null;
  request.dryRun = a.ctx.dryRun;
  request.options = operationOptions(a);
  return { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${version}`, request };
}

function gvk(k: GroupVersionKind) {
  return { group: k.group, version: k.version, kind: k.kind };
}

/** authentication/v1 UserInfo, empty fields left out. */
function userInfo(ctx: RequestContext): Record<string, unknown> {
  const u = ctx.user;
  const out: Record<string, unknown> = {};
  if (u.username) out.username = u.username;
  if (u.uid) out.uid = u.uid;
  if (u.groups.length) out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

/**
 * The operation's options as meta/v1 CreateOptions, UpdateOptions or DeleteOptions (patches are
 * updates, or creates when they create). Upstream passes what the client's query said; the
 * fieldValidation default (Warn) is what a request without one gets, so it is left out.
 */
function operationOptions(a: AdmissionAttributes): Record<string, unknown> | null {
  const ctx = a.ctx;
  const dryRun = ctx.dryRun ? { dryRun: ['All'] } : {};
  if (a.operation === 'DELETE') return { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1', ...a.options, ...dryRun };
  if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return null;
  const out: Record<string, unknown> = { kind: a.operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions', apiVersion: 'meta.k8s.io/v1', ...dryRun };
  if (ctx.fieldManager) out.fieldManager = ctx.fieldManager;
  if (ctx.fieldValidation !== 'Warn') out.fieldValidation = ctx.fieldValidation;
  return out;
}

/** What a webhook answered, once checked. */
export interface AdmissionResponse {
  allowed: boolean;
  /** The decoded patch text, when one was sent. */
  patch?: string;
  patchType?: string;
  result?: Record<string, unknown>;
  warnings: string[];
  auditAnnotations: Record<string, string>;
}

export class InvalidResponseError extends Error {}

/** VerifyAdmissionResponse: the review's kind, uid and (for mutating webhooks) patch fields. */
export function verifyAdmissionResponse(version: string, uid: string, mutating: boolean, review: unknown): AdmissionResponse {
  const r = isRecord(review) ? review : {};
  const response = isRecord(r.response) ? r.response : undefined;
  if (!response) throw new InvalidResponseError('webhook response was absent');
  const common = {
    allowed: response.allowed === true,
    result: isRecord(response.status) ? response.status : undefined,
    warnings: Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [],
    auditAnnotations: stringMap(response.auditAnnotations),
  };
  const patch = typeof response.patch === 'string' && response.patch ? Buffer.from(response.patch, 'base64').toString('utf8') : undefined;
  if (version === 'v1beta1') {
    // v1beta1 answers were never checked for uid or kind, and their patches are JSON patches.
    return { ...common, ...(mutating && patch ? { patch, patchType: 'JSONPatch' } : {}) };
  }
  if (response.uid !== uid) throw new InvalidResponseError(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
  const kind = typeof r.kind === 'string' ? r.kind : '';
  if (apiVersion !== 'admission.k8s.io/v1' || kind !== 'AdmissionReview') {
    throw new InvalidResponseError(`expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${apiVersion || '/'}, Kind=${kind}`);
  }
  const patchType = response.patchType;
  if (!mutating) {
    if (patch) throw new InvalidResponseError('validating webhook may not return response.patch');
    if (patchType !== undefined && patchType !== null) throw new InvalidResponseError('validating webhook may not return response.patchType');
    return common;
  }
  const hasType = patchType !== undefined && patchType !== null;
  if (patch && !hasType) throw new InvalidResponseError('webhook returned response.patch but not response.patchType');
  if (!patch && hasType) throw new InvalidResponseError('webhook returned response.patchType but not response.patch');
  if (hasType && (typeof patchType !== 'string' || patchType === '')) throw new InvalidResponseError(`webhook returned invalid response.patchType of ${JSON.stringify(String(patchType))}`);
  return { ...common, ...(patch ? { patch, patchType: patchType as string } : {}) };
}

function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringMap(v: unknown): Record<string, string> {
  // Keys are the webhook's: no prototype, so `__proto__` stays a plain key.
  const out: Record<string, string> = Object.create(null);
  if (!isRecord(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}
