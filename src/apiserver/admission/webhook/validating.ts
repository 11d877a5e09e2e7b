// ValidatingAdmissionWebhook (upstream admission/plugin/webhook/validating): every matching
// webhook is called at once; the request fails with the first error to arrive. A webhook that
// cannot be called fails the request unless its failurePolicy is Ignore, which is recorded as the
// audit annotation failed-open.validating.webhook.admission.k8s.io/round_0_index_<n>.
import type { StatusError } from '../../../api/errors.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../types.js';
import type { VersionedObjects } from './admission-review.js';
import { addAuditAnnotation, callHook, CandidateWebhooks, failsOpen, invocationFor, versionedObjects, type WebhookSources } from './dispatch.js';
import { CallingWebhookError, internalError } from './errors.js';
import type { Invocation, WebhookAccessor } from './matching.js';

const FAILED_OPEN_PREFIX = 'failed-open.validating.webhook.admission.k8s.io/';

export function validatingAdmissionWebhook(sources: WebhookSources): AdmissionPlugin {
  const candidates = new CandidateWebhooks(sources);
  /** Calls the webhooks that apply to the write, all at once. */
  async function callWebhooks(webhooks: WebhookAccessor[], a: AdmissionAttributes): Promise<void> {
    const invocations: Invocation[] = [];
    for (const w of webhooks) {
      const invocation = await invocationFor(sources, w, a);
      if (invocation) invocations.push(invocation);
    }
    // One conversion per version the webhooks asked for.
    const byVersion = new Map<string, VersionedObjects>();
    const versioned = (inv: Invocation) => {
      const key = `${inv.kind.group}/${inv.kind.version}/${inv.kind.kind}`;
      if (!byVersion.has(key)) byVersion.set(key, versionedObjects(a, inv));
      return byVersion.get(key)!;
    };
    const errors: (StatusError | Error)[] = [];
    await Promise.all(invocations.map(async (inv, index) => {
      try {
        await callHook(sources, inv, a, versioned(inv), false);
      } catch (err) {
        if (err instanceof CallingWebhookError) {
          if (failsOpen(inv.webhook.hook)) {
            addAuditAnnotation(a.ctx, `${FAILED_OPEN_PREFIX}round_0_index_${index}`, inv.webhook.hook.name);
            return;
          }
          errors.push(internalError(err));
          return;
        }
        errors.push(err as Error);
      }
    }));
    if (errors.length) throw errors[0];
  }

  return {
    name: 'ValidatingAdmissionWebhook',
    // Only writes some webhook matches wait on a promise (see AdmissionChain.run).
    validate(a: AdmissionAttributes): Promise<void> | undefined {
      const webhooks = candidates.for(a);
      if (!webhooks.length) return;
      return callWebhooks(webhooks, a);
    },
  };
}
