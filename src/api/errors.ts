// Typed API errors. Every failure that reaches a client becomes a meta/v1 Status built from one of
// these classes, with upstream's `reason` and HTTP `code`, so kubectl and the client libraries can
// react to it (e.g. retry on Conflict, create on NotFound).

export type StatusReason =
  | 'BadRequest' | 'Unauthorized' | 'Forbidden' | 'NotFound' | 'AlreadyExists' | 'Conflict'
  | 'Gone' | 'Invalid' | 'ServerTimeout' | 'Timeout' | 'TooManyRequests' | 'MethodNotAllowed'
  | 'NotAcceptable' | 'RequestEntityTooLarge' | 'UnsupportedMediaType' | 'InternalError'
  | 'Expired' | 'ServiceUnavailable';

/** One field-level problem, as in meta/v1 StatusCause. */
export interface StatusCause {
  reason?: string; // e.g. FieldValueRequired, FieldValueInvalid, FieldValueNotSupported
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason;
  details?: StatusDetails;
  code: number;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toStatus(): Status {
    const details = this.details && Object.keys(this.details).length > 0 ? this.details : undefined;
    return statusBody('Failure', this.code, { message: this.message, reason: this.reason, details });
  }
}

/**
 * Every Status body is built here, with upstream's JSON field order (kind, apiVersion, metadata,
 * status, message, reason, details, code): clients compare error text byte for byte.
 */
export function statusBody(status: Status['status'], code: number, fields: Pick<Status, 'message' | 'reason' | 'details'> = {}): Status {
  const s = { kind: 'Status', apiVersion: 'v1', metadata: {}, status } as Status;
  if (fields.message !== undefined) s.message = fields.message;
  if (fields.reason !== undefined) s.reason = fields.reason;
  if (fields.details !== undefined) s.details = fields.details;
  s.code = code;
  return s;
}

/** 404: the object (or its namespace) does not exist. */
export function isNotFound(err: unknown): err is StatusError {
  return err instanceof StatusError && err.code === 404;
}

/** 409: a write lost a race: a stale resourceVersion or UID precondition (Conflict), or a taken name (AlreadyExists). */
export function isConflict(err: unknown): err is StatusError {
  return err instanceof StatusError && err.code === 409;
}

/** Identifies the object an error is about, rendered as upstream does: `pods "x"` or `deployments.apps "x"`. */
export interface ErrorTarget {
  group: string;
  resource: string;
  name?: string;
  kind?: string;
}

function qualified(t: ErrorTarget): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

function details(t: ErrorTarget): StatusDetails {
  const d: StatusDetails = {};
  if (t.name !== undefined) d.name = t.name;
  d.group = t.group || undefined;
  d.kind = t.resource;
  if (!d.group) delete d.group;
  return d;
}

export class NotFoundError extends StatusError {
  constructor(t: ErrorTarget) {
    super(404, 'NotFound', `${qualified(t)} "${t.name ?? ''}" not found`, details(t));
  }
}

export class AlreadyExistsError extends StatusError {
  constructor(t: ErrorTarget) {
    super(409, 'AlreadyExists', `${qualified(t)} "${t.name ?? ''}" already exists`, details(t));
  }
}

export class ConflictError extends StatusError {
  constructor(t: ErrorTarget, why: string) {
    super(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${t.name ?? ''}": ${why}`, details(t));
  }
}

/** A field-level validation failure; `causes` carry the per-field reasons. */
export class InvalidError extends StatusError {
  constructor(kind: string, name: string, group: string, readonly causes: FieldError[]) {
    const msgs = causes.map(c => c.toString());
    const summary = msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
    const d: StatusDetails = { name, kind, causes: causes.map(c => c.toCause()) };
    if (group) d.group = group;
    super(422, 'Invalid', `${kind}${group ? '.' + group : ''} "${name}" is invalid: ${summary}`, d);
  }
}

export class BadRequestError extends StatusError {
  constructor(message: string) { super(400, 'BadRequest', message); }
}

export class UnauthorizedError extends StatusError {
  constructor(message = 'Unauthorized') { super(401, 'Unauthorized', message); }
}

export class ForbiddenError extends StatusError {
  constructor(message: string, t?: ErrorTarget) { super(403, 'Forbidden', message, t ? details(t) : undefined); }
}

export class GoneError extends StatusError {
  constructor(message: string) { super(410, 'Expired', message); }
}

export class MethodNotAllowedError extends StatusError {
  constructor(message: string) { super(405, 'MethodNotAllowed', message); }
}

export class NotAcceptableError extends StatusError {
  constructor(message: string) { super(406, 'NotAcceptable', message); }
}

export class UnsupportedMediaTypeError extends StatusError {
  constructor(message: string) { super(415, 'UnsupportedMediaType', message); }
}

export class RequestEntityTooLargeError extends StatusError {
  constructor(message: string) { super(413, 'RequestEntityTooLarge', message); }
}

export class TooManyRequestsError extends StatusError {
  constructor(message: string, retryAfterSeconds = 1) { super(429, 'TooManyRequests', message, { retryAfterSeconds }); }
}

/** Upstream's NewTimeoutError: the request took longer than it was allowed (504). */
export class TimeoutError extends StatusError {
  constructor(message: string) { super(504, 'Timeout', `Timeout: ${message}`); }
}

export class InternalError extends StatusError {
  constructor(message: string) { super(500, 'InternalError', `Internal error occurred: ${message}`); }
}

export class ServiceUnavailableError extends StatusError {
  constructor(message: string) { super(503, 'ServiceUnavailable', message); }
}

export type FieldErrorType =
  | 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueNotSupported' | 'FieldValueDuplicate'
  | 'FieldValueForbidden' | 'FieldValueTooLong' | 'FieldValueTooMany' | 'FieldValueTypeInvalid'
  | 'FieldValueNotFound' | 'InternalError';

/** A validation error on one field, rendered like upstream's field.Error. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly detail: string,
    readonly value?: unknown,
    readonly supported?: string[],
  ) {}

  toString(): string {
    switch (this.type) {
      case 'FieldValueRequired': return `${this.field}: Required value${this.detail ? ': ' + this.detail : ''}`;
      case 'FieldValueForbidden': return `${this.field}: Forbidden: ${this.detail}`;
      case 'FieldValueDuplicate': return `${this.field}: Duplicate value: ${fmt(this.value)}`;
      case 'FieldValueNotFound': return `${this.field}: Not found: ${fmt(this.value)}`;
      case 'FieldValueNotSupported': {
        const sup = this.supported?.length ? `: supported values: ${this.supported.map(s => `"${s}"`).join(', ')}` : '';
        return `${this.field}: Unsupported value: ${fmt(this.value)}${sup}`;
      }
      case 'FieldValueTooLong': return `${this.field}: Too long: ${this.detail}`;
      case 'FieldValueTooMany': return `${this.field}: Too many: ${this.detail}`;
      case 'FieldValueTypeInvalid': return `${this.field}: Invalid value: ${fmt(this.value)}: ${this.detail}`;
      case 'InternalError': return `${this.field}: Internal error: ${this.detail}`;
      default: return `${this.field}: Invalid value: ${fmt(this.value)}${this.detail ? ': ' + this.detail : ''}`;
    }
  }

  toCause(): StatusCause {
    return { reason: this.type, message: this.toString().slice(this.field.length + 2), field: this.field };
  }
}

function fmt(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  if (typeof v === 'object' && v !== null) return Array.isArray(v) ? `[]${typeof v[0] === 'string' ? 'string' : 'interface{}'}{...}` : '{...}';
  return String(v);
}

export const fieldErrors = {
  required: (f: string, detail = '') => new FieldError('FieldValueRequired', f, detail),
  invalid: (f: string, value: unknown, detail: string) => new FieldError('FieldValueInvalid', f, detail, value),
  notSupported: (f: string, value: unknown, supported: string[]) => new FieldError('FieldValueNotSupported', f, '', value, supported),
  forbidden: (f: string, detail: string) => new FieldError('FieldValueForbidden', f, detail),
  duplicate: (f: string, value: unknown) => new FieldError('FieldValueDuplicate', f, '', value),
  notFound: (f: string, value: unknown) => new FieldError('FieldValueNotFound', f, '', value),
  tooLong: (f: string, max: number) => new FieldError('FieldValueTooLong', f, `must have at most ${max} bytes`),
  tooMany: (f: string, max: number) => new FieldError('FieldValueTooMany', f, `must have at most ${max} items`),
  typeInvalid: (f: string, value: unknown, detail: string) => new FieldError('FieldValueTypeInvalid', f, detail, value),
};
