// The audit pipeline of one API server (--audit-policy-file + --audit-log-path): each request gets
// an ID (the Audit-Id response header), the policy picks its level from the authenticated user and
// what it addresses, and its events go to the log as JSON lines — RequestReceived, ResponseStarted
// (long-running requests), ResponseComplete or Panic — with the request and response bodies at
// the levels that ask for them, as upstream's WithAudit filter.
import { randomUUID } from 'node:crypto';
import { validateHeaderValue, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import type { Decision } from '../auth/authorizer.js';
import type { RequestContext, UserInfo } from '../context.js';
import { decodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/index.js';
import type { RequestInfo } from '../request-info.js';
import {
  auditUser, auditVerb, completeObjectRef, eventLine, impersonatedUser, microTime, objectRef, sourceIPs, userAgent,
  withoutManagedFields, type AuditEvent, type ResponseStatus,
} from './event.js';
import type { AuditSink } from './log-file.js';
import { evaluatePolicy, levelAtLeast, type AuditPolicy, type RequestAuditConfig, type Stage } from './policy.js';
import { errorMessage } from '../../util/error-message.js';

export const DECISION_ANNOTATION = 'authorization.k8s.io/decision';
export const REASON_ANNOTATION = 'authorization.k8s.io/reason';

/** Request bodies are at most 3 MiB; a bigger one is refused and not recorded. */
const MAX_REQUEST_CAPTURE = 3 * 1024 * 1024;
/** Below RequestResponse a response body is read only to find a Status, which is small. */
const MAX_STATUS_CAPTURE = 64 * 1024;
/** Upstream's long-running check: these verbs and subresources stream. */
const LONG_RUNNING_VERBS = new Set(['watch', 'proxy']);
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'proxy', 'log', 'portforward']);

/** The ID of a request: the client's Audit-ID header if it sent one (as upstream), else a new UUID. */
export function requestAuditId(req: IncomingMessage): string {
  const given = req.headers['audit-id'];
  if (typeof given !== 'string' || !given) return randomUUID();
  try {
    validateHeaderValue('Audit-Id', given); // it goes back out as a response header
    return given;
  } catch {
    return randomUUID();
  }
}

export class Auditor {
  constructor(private readonly policy: AuditPolicy, private readonly sink: AuditSink, private readonly log?: (msg: string, fields?: Record<string, unknown>) => void) {}

  begin(req: IncomingMessage, res: ServerResponse, auditID: string): RequestAudit {
    return new RequestAudit(this, req, { res }, auditID);
  }

  /** An upgrade request (exec, attach, port-forward) relayed byte for byte: no bodies are seen. */
  beginUpgrade(req: IncomingMessage, socket: Duplex, auditID: string): RequestAudit {
    return new RequestAudit(this, req, { socket }, auditID);
  }

  evaluate(user: UserInfo | undefined, ri: RequestInfo): RequestAuditConfig {
    return evaluatePolicy(this.policy, { user, request: ri });
  }

  emit(event: AuditEvent): void {
    try {
      this.sink.write(eventLine(event));
    } catch (err) {
      this.log?.('unable to write audit event', { auditID: event.auditID, error: (err as Error).message });
    }
  }

  close(): void {
    this.sink.close();
  }
}

export class RequestAudit {
  private readonly receivedAt = microTime();
  private config?: RequestAuditConfig;
  private event?: AuditEvent;
  private readonly annotations: Record<string, string> = {};
  private ctx?: RequestContext;
  private requestBody?: Buffer[];
  private responseBody?: { chunks: Buffer[]; size: number; limit: number };
  private started = false;
  private finished = false;
  /** Of an upgrade request: what it was answered with (101 once relayed, or the error's Status). */
  private upgradeStatus?: ResponseStatus;

  constructor(
    private readonly auditor: Auditor,
    private readonly req: IncomingMessage,
    private readonly to: { res: ServerResponse; socket?: undefined } | { socket: Duplex; res?: undefined },
    readonly id: string,
  ) {}

  /** After authentication: the policy decides; RequestReceived is logged and the bodies watched as the level needs. */
  authenticated(user: UserInfo, ri: RequestInfo): void {
    const config = this.auditor.evaluate(user, ri);
    if (config.level === 'None') return;
    this.config = config;
    this.event = this.baseEvent(ri, auditUser(user));
    const impersonated = impersonatedUser(this.req);
    if (impersonated) this.event.impersonatedUser = impersonated;
    this.emit('RequestReceived');

    const res = this.to.res;
    if (!res) {
      this.to.socket!.once('close', () => this.complete());
      return;
    }
    const longRunning = LONG_RUNNING_VERBS.has(this.event.verb) || (ri.isResourceRequest && LONG_RUNNING_SUBRESOURCES.has(ri.subresource));
    const recordsObject = ri.isResourceRequest && ['create', 'update', 'patch'].includes(ri.verb);
    if (recordsObject && (levelAtLeast(config.level, 'Request') || ri.verb !== 'patch')) this.captureRequestBody();
    if (longRunning) this.onResponseStart(res, () => this.responseStarted());
    else this.captureResponseBody(res, levelAtLeast(config.level, 'RequestResponse') ? Infinity : MAX_STATUS_CAPTURE);
    res.once('close', () => this.complete());
  }

  /** A request no authenticator accepted: one event, as upstream's failed-authentication audit. */
  authenticationFailed(ri: RequestInfo): void {
    const config = this.auditor.evaluate(undefined, ri);
    if (config.level === 'None' || config.omitStages.has('ResponseStarted')) return;
    const event = this.baseEvent(ri, {} as AuditEvent['user']);
    event.level = config.level;
    event.stage = 'ResponseStarted';
    event.responseStatus = { metadata: {}, message: authMethods(this.req), code: 401 };
    event.stageTimestamp = microTime();
    this.auditor.emit(event);
  }

  /** The upgrade was relayed: the session has started (the kubelet answers 101 Switching Protocols). */
  upgraded(): void {
    this.upgradeStatus = { metadata: {}, code: 101 };
    this.responseStarted();
  }

  /** The upgrade request was answered with an error instead. */
  upgradeFailed(status: Omit<ResponseStatus, 'metadata'>): void {
    const { status: s, message, reason, details, code } = status;
    this.upgradeStatus = { metadata: {}, status: s, message, reason, details, code };
  }

  authorized(decision: Decision): void {
    if (!this.event) return;
    this.annotations[DECISION_ANNOTATION] = decision.allowed ? 'allow' : 'forbid';
    this.annotations[REASON_ANNOTATION] = decision.reason ?? '';
  }

  /** The request's context, whose auditAnnotations admission fills. */
  context(ctx: RequestContext): void {
    this.ctx = ctx;
  }

  /** The handler failed with a programming error: a Panic event instead of ResponseComplete. */
  panicked(err: unknown): void {
    if (!this.event || this.finished) return;
    this.finished = true;
    this.event.responseStatus = { metadata: {}, status: 'Failure', message: `APIServer panic'd: ${errorMessage(err)}`, reason: 'InternalError', code: 500 };
    this.emit('Panic');
  }

  private baseEvent(ri: RequestInfo, user: AuditEvent['user']): AuditEvent {
    const event: AuditEvent = {
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      level: this.config?.level ?? 'Metadata',
      auditID: this.id,
      stage: 'RequestReceived',
      requestURI: this.req.url ?? '/',
      verb: auditVerb(ri, this.req.method ?? 'GET'),
      user,
      sourceIPs: sourceIPs(this.req),
      userAgent: userAgent(this.req),
      objectRef: objectRef(ri),
      requestReceivedTimestamp: this.receivedAt,
      stageTimestamp: this.receivedAt,
    };
    if (event.userAgent === undefined) delete event.userAgent;
    if (event.objectRef === undefined) delete event.objectRef;
    return event;
  }

  private emit(stage: Stage): void {
    const event = this.event!;
    if (this.config!.omitStages.has(stage)) return;
    const annotations = { ...this.annotations, ...this.ctx?.auditAnnotations };
    const out: AuditEvent = { ...event, stage, stageTimestamp: stage === 'RequestReceived' ? this.receivedAt : microTime() };
    if (Object.keys(annotations).length) out.annotations = annotations;
    this.auditor.emit(out);
  }

  private responseStarted(): void {
    if (this.started || !this.event) return;
    this.started = true;
    this.event.responseStatus = this.upgradeStatus ?? { metadata: {}, code: this.to.res?.statusCode };
    this.emit('ResponseStarted');
  }

  private complete(): void {
    if (this.finished || !this.event) return;
    this.finished = true;
    const event = this.event;
    const config = this.config!;
    const requestObject = this.requestBody && decodeBody(Buffer.concat(this.requestBody), this.req.headers['content-type']);
    if (requestObject !== undefined && event.objectRef && this.req.method !== 'PATCH') event.objectRef = completeObjectRef(event.objectRef, requestObject);
    if (requestObject !== undefined && levelAtLeast(config.level, 'Request')) {
      event.requestObject = config.omitManagedFields ? withoutManagedFields(requestObject) : requestObject;
    }
    const body = this.responseBody;
    const res = this.to.res;
    const responseObject = res && body && body.size <= body.limit ? decodeBody(Buffer.concat(body.chunks), String(res.getHeader('content-type') ?? '')) : undefined;
    event.responseStatus = res ? responseStatusOf(responseObject, res.statusCode) : this.upgradeStatus ?? { metadata: {}, code: 101 };
    if (responseObject !== undefined && levelAtLeast(config.level, 'RequestResponse')) {
      event.responseObject = config.omitManagedFields ? withoutManagedFields(responseObject) : responseObject;
    }
    this.emit('ResponseComplete');
  }

  /** Tees the body's chunks as the handler reads them (every way of reading a stream emits 'data'). */
  private captureRequestBody(): void {
    const chunks: Buffer[] = [];
    let size = 0;
    this.requestBody = chunks;
    const req = this.req;
    const emit = req.emit;
    req.emit = function (this: IncomingMessage, name: string | symbol, ...args: unknown[]) {
      if (name === 'data' && size <= MAX_REQUEST_CAPTURE) {
        const chunk = args[0] as Buffer | string;
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        size += buf.length;
        if (size <= MAX_REQUEST_CAPTURE) chunks.push(buf); else chunks.length = 0;
      }
      return emit.call(this, name, ...args);
    } as typeof req.emit;
  }

  private captureResponseBody(res: ServerResponse, limit: number): void {
    const capture = { chunks: [] as Buffer[], size: 0, limit };
    this.responseBody = capture;
    const add = (chunk: unknown, encoding: unknown) => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function' || capture.size > limit) return;
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding as BufferEncoding : 'utf8') : Buffer.from(chunk as Uint8Array);
      capture.size += buf.length;
      if (capture.size <= limit) capture.chunks.push(buf); else capture.chunks = [];
    };
    const write = res.write;
    const end = res.end;
    res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
      add(chunk, rest[0]);
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof res.write;
    res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
      add(chunk, rest[0]);
      return (end as (...a: unknown[]) => ServerResponse).call(this, chunk, ...rest);
    } as typeof res.end;
  }

  /** Calls `started` once the response's headers go out (watches write them before any event). */
  private onResponseStart(res: ServerResponse, started: () => void): void {
    const writeHead = res.writeHead;
    res.writeHead = function (this: ServerResponse, ...args: unknown[]) {
      const out = (writeHead as (...a: unknown[]) => ServerResponse).apply(this, args);
      started();
      return out;
    } as typeof res.writeHead;
    const write = res.write;
    res.write = function (this: ServerResponse, ...args: unknown[]) {
      started();
      return (write as (...a: unknown[]) => boolean).apply(this, args);
    } as typeof res.write;
    res.once('close', () => started());
  }
}

/** A response body as an object: JSON, YAML or protobuf; undefined when it is none of them. */
function decodeBody(body: Buffer, contentType: string | undefined): unknown {
  if (!body.length) return undefined;
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  try {
    if (type === PROTOBUF_MEDIA_TYPE) return decodeProtobufObject(body);
    if (type.endsWith('yaml')) return parseYaml(body.toString('utf8'), { maxAliasCount: 100 });
    if (type === '' || type === '*/*' || type === 'application/json' || type.endsWith('+json')) return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  return undefined;
}

/** A Status response is the status itself (without its type fields); anything else is its code. */
function responseStatusOf(response: unknown, code: number): ResponseStatus {
  const r = response as Record<string, unknown> | undefined;
  if (r?.kind !== 'Status') return { metadata: {}, code };
  const status: ResponseStatus = { metadata: {} };
  for (const k of ['status', 'message', 'reason', 'details', 'code'] as const) if (r[k] !== undefined) (status as unknown as Record<string, unknown>)[k] = r[k];
  status.code ??= code;
  return status;
}

/** What a request that failed authentication tried, in upstream's words. */
function authMethods(req: IncomingMessage): string {
  const methods: string[] = [];
  const auth = (req.headers.authorization ?? '').trim();
  if (/^basic /i.test(auth)) methods.push('basic');
  const parts = auth.split(' ');
  if (parts.length > 1 && parts[0].toLowerCase() === 'bearer') methods.push('bearer');
  if (new URL(req.url ?? '/', 'https://k8ts').searchParams.get('access_token')?.trim()) methods.push('access_token');
  const cert = (req.socket as { getPeerCertificate?: () => { raw?: Buffer } }).getPeerCertificate?.();
  if (cert?.raw) methods.push('x509');
  return methods.length ? `Authentication failed, attempted: ${methods.join(', ')}` : 'Authentication failed, no credentials provided';
}
