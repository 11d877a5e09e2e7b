// MutatingAdmissionWebhook (upstream admission/plugin/webhook/mutating): matching webhooks are
// called one after another, each on the object as the ones before left it. A JSONPatch answer is
// applied, decoded as the kind's schema says and defaulted again. A webhook with
// reinvocationPolicy IfNeeded is called once more (in the chain's second round) when a later
// webhook or plugin changed the object after it ran.
import type { KubeObject } from '../../../api/object.js';
import { checkTypes } from '../../../api/validate-schema.js';
import { decodeJsonPatch, applyJsonPatch } from '../../patch/json-patch.js';
import { PatchApplyError } from '../../patch/errors.js';
import { clone, deepEqual, isJsonObject, type JsonValue } from '../../patch/json.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';
import { addAuditAnnotation, callHook, CandidateWebhooks, convert, failsOpen, invocationFor, versionedObjects, type WebhookSources } from './dispatch.js';
import { CallingWebhookError, internalError } from './errors.js';
import type { Invocation, WebhookAccessor } from './matching.js';

export const MUTATING_PLUGIN_NAME = 'MutatingAdmissionWebhook';
const MUTATION_PREFIX = 'mutation.webhook.admission.k8s.io/';
const FAILED_OPEN_PREFIX = 'failed-open.' + MUTATION_PREFIX;

/** Upstream's webhookReinvokeContext: which webhooks a later change calls again. */
class ReinvokeState {
  lastOutput?: KubeObject;
  private previouslyInvoked = new Set<string>();
  private readonly reinvoke = new Set<string>();

  outputChangedSince(obj: KubeObject | undefined): boolean {
    return !deepEqual(this.lastOutput, obj);
  }

  requireReinvokingPreviouslyInvoked(): void {
    for (const uid of this.previouslyInvoked) this.reinvoke.add(uid);
    this.previouslyInvoked = new Set();
  }

  addReinvocable(uid: string): void {
    this.previouslyInvoked.add(uid);
  }

  shouldReinvoke(uid: string): boolean {
    return this.reinvoke.has(uid);
  }
}

export function mutatingAdmissionWebhook(sources: WebhookSources): AdmissionPlugin {
  const candidates = new CandidateWebhooks(sources);
  /** Calls the webhooks that apply to the write, in order (reinvoking them as upstream does). */
  async function callWebhooks(webhooks: WebhookAccessor[], a: AdmissionAttributes): Promise<void> {
    const rc = a.reinvocation;
    const state = rc ? rc.value(MUTATING_PLUGIN_NAME, () => new ReinvokeState()) : new ReinvokeState();
    const isReinvoke = rc?.isReinvoke ?? false;
    // In-tree plugins changed the object in the second round: every reinvocable webhook goes again.
    if (isReinvoke && state.outputChangedSince(a.object)) state.requireReinvokingPreviouslyInvoked();
    try {
      for (const [index, w] of webhooks.entries()) {
        const invocation = await invocationFor(sources, w, a);
        if (!invocation) continue;
        // A webhook is never called for the first time in the second round.
        if (isReinvoke && !state.shouldReinvoke(w.uid)) continue;
        const hook = w.hook;
        const round = isReinvoke ? 1 : 0;
        let changed = false;
        let failure: unknown;
        try {
          changed = await callMutatingHook(sources, invocation, a);
        } catch (err) {
          failure = err;
        }
        addAuditAnnotation(a.ctx, `${MUTATION_PREFIX}round_${round}_index_${index}`, JSON.stringify({ configuration: w.configurationName, webhook: hook.name, mutated: changed }));
        if (changed) {
          state.requireReinvokingPreviouslyInvoked();
          if (rc) rc.shouldReinvoke = true;
        }
        if (hook.reinvocationPolicy === 'IfNeeded') state.addReinvocable(w.uid);
        if (failure === undefined) continue;
        if (failure instanceof CallingWebhookError) {
          if (failsOpen(hook)) {
            addAuditAnnotation(a.ctx, `${FAILED_OPEN_PREFIX}round_${round}_index_${index}`, hook.name);
            continue;
          }
          throw internalError(failure);
        }
        throw failure;
      }
    } finally {
      state.lastOutput = a.object ? clone(a.object) : undefined;
    }
  }

  return {
    name: MUTATING_PLUGIN_NAME,
    // Only writes some webhook matches wait on a promise (see AdmissionChain.run).
    admit(a: AdmissionAttributes): Promise<void> | undefined {
      const webhooks = candidates.for(a);
      if (!webhooks.length) return;
      return callWebhooks(webhooks, a);
    },
  };
}

/** Calls one webhook and applies its patch to the request's object; true when the object changed. */
async function callMutatingHook(sources: WebhookSources, invocation: Invocation, a: AdmissionAttributes): Promise<boolean> {
  const name: string = invocation.webhook.hook.name;
  const versioned = versionedObjects(a, invocation);
  const response = await callHook(sources, invocation, a, versioned, true);
  if (!response.patch) return false;
  let ops;
  try {
    ops = decodeJsonPatch(response.patch);
  } catch (err) {
    throw new CallingWebhookError(name, `received undecodable patch in webhook response: ${(err as Error).message}`);
  }
  if (!ops.length) return false;
  const target = versioned.object;
  if (!a.object || !target) throw internalError(`admission webhook "${name}" attempted to modify the object, which is not supported for this operation`);
  if (response.patchType !== 'JSONPatch') throw new CallingWebhookError(name, `unsupported patch type "${response.patchType}"`);
  let patched: JsonValue;
  try {
    patched = applyJsonPatch(target as unknown as JsonValue, ops);
  } catch (err) {
    throw internalError(err instanceof PatchApplyError ? err.detail : (err as Error).message);
  }
  if (!isJsonObject(patched)) throw internalError(`json: cannot unmarshal ${Array.isArray(patched) ? 'array' : typeof patched} into Go value of type ${invocation.kind.kind}`);
  const next = patched as unknown as KubeObject;
  // Decoding into the kind's type: the kind stays what it was; wrong JSON types fail.
  next.apiVersion = target.apiVersion;
  next.kind = target.kind;
  const typeError = checkTypes(invocation.kind, next);
  if (typeError) throw internalError(typeError.detail);
  const changed = !deepEqual(target, next);
  if (a.object.kind === a.resource.kind) {
    const back = convert(next, invocation.resource, a.resource);
    sources.defaults(a.resource)?.(back, a.resource.version);
    replaceContents(a.object, back);
  } else {
    // A subresource's own object (Binding, Scale, Eviction) is passed and patched as it is.
    replaceContents(a.object, next);
  }
  return changed;
}

/** The store holds on to the request's object: it is changed in place. */
function replaceContents(target: KubeObject, source: KubeObject): void {
  for (const k of Object.keys(target)) delete (target as Record<string, unknown>)[k];
  // Defined, not assigned: a `__proto__` key a webhook added stays data.
  for (const [k, v] of Object.entries(source)) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
}
