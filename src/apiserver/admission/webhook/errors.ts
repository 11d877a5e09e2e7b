// The errors of webhook admission, worded as upstream's (apiserver/pkg/util/webhook and
// admission/plugin/webhook/errors): a failure to talk to a webhook (subject to failurePolicy) is
// not the same as a webhook saying no (never ignored).
import { StatusError, statusBody, type Status, type StatusDetails, type StatusReason } from '../../../api/errors.js';

/**
 * A webhook could not be called or answered nonsense (upstream's ErrCallingWebhook): what
 * failurePolicy Ignore lets through and Fail turns into an internal error.
 */
export class CallingWebhookError extends Error {
  constructor(readonly webhookName: string, readonly reason: string) {
    super(`failed calling webhook "${webhookName}": ${reason}`);
    this.name = 'CallingWebhookError';
  }
}

/** apierrors.NewInternalError: the cause's text in the message and as the one cause. */
export function internalError(err: Error | string): StatusError {
  const text = typeof err === 'string' ? err : err.message;
  return new StatusError(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

/**
 * A Status a webhook returned (or one made for it): passed on as it is, which includes an empty
 * reason (omitted, as Go's omitempty does) and the webhook's own details.
 */
export class WebhookStatusError extends StatusError {
  constructor(private readonly status: Status) {
    super(status.code, (status.reason ?? '') as StatusReason, status.message ?? '', status.details);
  }

  override toStatus(): Status {
    return { ...this.status };
  }
}

/**
 * The rejection of a webhook that answered `allowed: false` (upstream's ToStatusErr): its status,
 * at least 400 and Failure, the message prefixed with who denied the request.
 */
export function webhookRejection(webhookName: string, result: Record<string, unknown> | undefined | null): WebhookStatusError {
  const r = isRecord(result) ? result : {};
  const deniedBy = `admission webhook "${webhookName}" denied the request`;
  const givenCode = typeof r.code === 'number' && Number.isInteger(r.code) ? r.code : 0;
  const code = givenCode < 400 ? 400 : givenCode;
  const message = typeof r.message === 'string' && r.message ? `${deniedBy}: ${r.message}`
    : typeof r.reason === 'string' && r.reason ? `${deniedBy}: ${r.reason}`
      : `${deniedBy} without explanation`;
  const reason = typeof r.reason === 'string' && r.reason ? r.reason as StatusReason : undefined;
  const details = isRecord(r.details) ? r.details as StatusDetails : undefined;
  const status = statusBody('Failure', code, { message, reason, details });
  return new WebhookStatusError(status);
}

/** A dry-run request reaching a webhook that may have side effects: 400, whatever the failurePolicy. */
export function dryRunUnsupported(webhookName: string): StatusError {
  return new StatusError(400, 'BadRequest', `admission webhook "${webhookName}" does not support dry run`);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
