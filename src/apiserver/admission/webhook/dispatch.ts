// What mutating and validating webhooks share: the webhooks that apply to a request, the object
// in the version a webhook asked for, and one call with upstream's checks (dry run and
// sideEffects, the review version, the answer's shape, warnings and audit annotations, a denial).
import { randomUUID } from 'node:crypto';
import type { ResourceCatalog } from '../../../api/catalog.js';
import { versionCodec } from '../../../api/conversion/index.js';
import type { Defaulter } from '../../../api/defaults/types.js';
import type { KubeObject } from '../../../api/object.js';
import { qualifiedName } from '../../../api/validation/names.js';
import type { RequestContext } from '../../context.js';
import type { AdmissionAttributes } from '../types.js';
import { createAdmissionReview, InvalidResponseError, reviewVersion, UnknownReviewVersionsError, verifyAdmissionResponse, type AdmissionResponse, type VersionedObjects } from './admission-review.js';
import { callWebhook, WebhookCallError, type ServiceResolver } from './client.js';
import { CallingWebhookError, dryRunUnsupported, webhookRejection } from './errors.js';
import { isExemptAdmissionConfiguration, kindOf, shouldCallHook, webhookAccessors, type GroupVersionResource, type Invocation, type NamespaceLabels, type WebhookAccessor } from './matching.js';

/** Evaluates a webhook's matchConditions: true to call it, false to skip it; throws to fail. */
export type MatchConditions = (invocation: Invocation, a: AdmissionAttributes, versioned: VersionedObjects) => boolean | Promise<boolean>;

/** What the webhook plugins read from the server. */
export interface WebhookSources {
  catalog: ResourceCatalog;
  /** The current configurations of the plugin's kind. */
  configurations(): KubeObject[];
  namespaceLabels: NamespaceLabels;
  resolveService: ServiceResolver;
  /** The defaults of a resource version (re-applied to what a mutating webhook returns). */
  defaults(resource: GroupVersionResource): Defaulter | undefined;
  /** Evaluates a webhook's matchConditions (CEL). */
  matchConditions: MatchConditions;
}

/**
 * The webhooks to consider for a request (none for the admission configuration's own writes),
 * flattened and ordered once per change of the configurations.
 */
export class CandidateWebhooks {
  private configurations?: KubeObject[];
  private accessors: WebhookAccessor[] = [];

  constructor(private readonly sources: WebhookSources) {}

  for(a: AdmissionAttributes): WebhookAccessor[] {
    if (isExemptAdmissionConfiguration(kindOf(a.resource, a.subresource))) return [];
    const configurations = this.sources.configurations();
    if (!configurations.length) return [];
    const same = this.configurations?.length === configurations.length && this.configurations.every((c, i) => c === configurations[i]);
    if (!same) {
      this.configurations = configurations;
      this.accessors = webhookAccessors(configurations);
    }
    return this.accessors;
  }
}

/** shouldCallHook plus matchConditions, evaluated on the invoked version of the objects. */
export async function invocationFor(sources: WebhookSources, webhook: WebhookAccessor, a: AdmissionAttributes): Promise<Invocation | undefined> {
  const invocation = shouldCallHook(webhook, a, sources.catalog, sources.namespaceLabels);
  if (!invocation) return undefined;
  if ((webhook.hook.matchConditions ?? []).length) {
    if (!(await sources.matchConditions(invocation, a, versionedObjects(a, invocation)))) return undefined;
  }
  return invocation;
}

/** An object of the request's version converted to another served version of the resource (via the storage version). */
export function convert(obj: KubeObject, from: GroupVersionResource, to: GroupVersionResource): KubeObject {
  if (from.version === to.version && from.group === to.group) return obj;
  const stored = versionCodec(from.group, from.version, from.resource)?.toStorage(obj) ?? obj;
  return versionCodec(to.group, to.version, to.resource)?.fromStorage(stored) ?? stored;
}

/** The request's objects as the invoked version sees them. */
export function versionedObjects(a: AdmissionAttributes, invocation: Invocation): VersionedObjects {
  const from = a.resource;
  const to = invocation.resource;
  // Subresources with objects of their own kind (Binding, Scale, Eviction) are passed as they are.
  const converts = kindOf(from, a.subresource).kind === from.kind;
  const conv = (o: KubeObject | undefined) => (o && converts ? convert(o, from, to) : o);
  return { object: conv(a.object), oldObject: conv(a.oldObject) };
}

/**
 * One call: a dry run only reaches webhooks without side effects; anything that keeps the
 * webhook from answering properly is a CallingWebhookError (failurePolicy decides), a denial is
 * the webhook's status.
 */
export async function callHook(sources: WebhookSources, invocation: Invocation, a: AdmissionAttributes, versioned: VersionedObjects, mutating: boolean): Promise<AdmissionResponse> {
  const hook = invocation.webhook.hook;
  const name: string = hook.name;
  if (a.ctx.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') throw dryRunUnsupported(name);
  let version: string;
  try {
    version = reviewVersion(hook.admissionReviewVersions);
  } catch (err) {
    if (err instanceof UnknownReviewVersionsError) throw new CallingWebhookError(name, `could not create admission objects: ${err.message}`);
    throw err;
  }
  const uid = randomUUID();
  const review = createAdmissionReview(version, uid, a, invocation, versioned);
  let answer: unknown;
  try {
    answer = await callWebhook(hook.clientConfig ?? {}, hook.timeoutSeconds ?? 10, review, sources.resolveService);
  } catch (err) {
    if (err instanceof WebhookCallError) throw new CallingWebhookError(name, `failed to call webhook: ${err.message}`);
    throw err;
  }
  let response: AdmissionResponse;
  try {
    response = verifyAdmissionResponse(version, uid, mutating, answer);
  } catch (err) {
    if (err instanceof InvalidResponseError) throw new CallingWebhookError(name, `received invalid webhook response: ${err.message}`);
    throw err;
  }
  // Upstream's AddAnnotation takes only qualified-name keys; others are dropped.
  for (const [k, v] of Object.entries(response.auditAnnotations)) {
    const key = `${name}/${k}`;
    if (!qualifiedName(key).length) addAuditAnnotation(a.ctx, key, v);
  }
  a.ctx.warnings.push(...response.warnings);
  if (!response.allowed) throw webhookRejection(name, response.result);
  return response;
}

/** How a webhook's failure ends: Ignore lets the request through. */
export function failsOpen(hook: { failurePolicy?: string }): boolean {
  return hook.failurePolicy === 'Ignore';
}

/** As upstream's AddAnnotation: the first value of a key stays. */
export function addAuditAnnotation(ctx: RequestContext, key: string, value: string): void {
  const annotations = (ctx.auditAnnotations ??= {});
  if (!Object.prototype.hasOwnProperty.call(annotations, key)) annotations[key] = value;
}
