import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { RequestContext } from '../context.js';
import { readBody } from '../http/body.js';
import { parseRequestInfo } from '../request-info.js';
import { Auditor, requestAuditId } from './auditor.js';
import { parseAuditPolicy } from './policy.js';

/**
 * A loopback HTTP server running `handler` with the audit hooks the API server calls, and the
 * events it wrote. The handler gets the RequestContext it may add annotations to.
 */
async function audited(policy: unknown, handler: (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => Promise<void>, send: (port: number) => Promise<void>) {
  const lines: string[] = [];
  const auditor = new Auditor(parseAuditPolicy(policy), { write: l => void lines.push(l), close: () => {} });
  const closed: Promise<void>[] = [];
  const server = createServer((req, res) => {
    const id = requestAuditId(req);
    res.setHeader('Audit-Id', id);
    const audit = auditor.begin(req, res, id);
    const url = new URL(req.url!, 'http://x');
    const ri = parseRequestInfo(req.method!, url.pathname, url.searchParams);
    const ctx: RequestContext = { user: { username: 'alice', groups: ['devs'] }, userAgent: '', dryRun: false, fieldValidation: 'Strict', warnings: [] };
    audit.authenticated(ctx.user, ri);
    audit.authorized({ allowed: true, reason: 'RBAC: allowed by test' });
    audit.context(ctx);
    // Registered after the audit's own listener, so it runs once the request's events are written.
    closed.push(new Promise(r => res.once('close', () => r())));
    handler(req, res, ctx).catch(err => {
      audit.panicked(err);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  try {
    await send((server.address() as AddressInfo).port);
    await Promise.all(closed);
  } finally {
    server.close();
  }
  return lines.map(l => JSON.parse(l));
}

function call(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; auditId: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method, path, headers: { 'Content-Type': 'application/json', 'User-Agent': 'test/1', ...headers } }, res => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, auditId: String(res.headers['audit-id']) }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const POLICY = (rules: unknown[], extra = {}) => ({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules, ...extra });

test('RequestResponse records both bodies (without managedFields), the decision and admission annotations', async () => {
  let auditId = '';
  const events = await audited(POLICY([{ level: 'RequestResponse', omitManagedFields: true }]), async (req, res, ctx) => {
    const body = JSON.parse((await readBody(req)).toString());
    ctx.auditAnnotations = { 'pod-security.kubernetes.io/enforce-policy': 'restricted:latest' };
    res.writeHead(201, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ...body, metadata: { ...body.metadata, uid: 'u1', managedFields: [{ manager: 'x' }] } }));
  }, async port => {
    auditId = (await call(port, 'POST', '/api/v1/namespaces/ns/configmaps', JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'c', managedFields: [{ manager: 'y' }] }, data: { k: 'v' } }))).auditId;
  });
  assert.deepEqual(events.map(e => e.stage), ['RequestReceived', 'ResponseComplete']);
  const [received, done] = events;
  assert.equal(done.auditID, auditId);
  assert.deepEqual(Object.keys(done), ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
  assert.equal(received.requestObject, undefined);
  assert.equal(received.annotations, undefined, 'authorization comes after RequestReceived');
  assert.deepEqual(done.user, { username: 'alice', groups: ['devs'] });
  assert.deepEqual(done.sourceIPs, ['127.0.0.1']);
  assert.equal(done.userAgent, 'test/1');
  assert.deepEqual(done.objectRef, { resource: 'configmaps', namespace: 'ns', name: 'c', apiVersion: 'v1' });
  assert.deepEqual(done.requestObject, { kind: 'ConfigMap', metadata: { name: 'c' }, data: { k: 'v' } });
  assert.deepEqual(done.responseObject.metadata, { name: 'c', uid: 'u1' });
  assert.deepEqual(done.responseStatus, { metadata: {}, code: 201 });
  assert.deepEqual(done.annotations, {
    'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by test',
    'pod-security.kubernetes.io/enforce-policy': 'restricted:latest',
  });
  assert.equal(done.requestReceivedTimestamp, received.stageTimestamp);
});

test('Metadata keeps bodies out but records an error Status; a client Audit-ID is kept', async () => {
  const events = await audited(POLICY([{ level: 'Metadata', omitStages: ['RequestReceived'] }]), async (req, res) => {
    await readBody(req);
    res.writeHead(409, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'secrets "s" already exists', reason: 'AlreadyExists', details: { name: 's', kind: 'secrets' }, code: 409 }));
  }, async port => {
    assert.equal((await call(port, 'POST', '/api/v1/namespaces/ns/secrets', '{"metadata":{"name":"s"},"data":{"p":"c2VjcmV0"}}', { 'Audit-ID': 'client-chosen' })).auditId, 'client-chosen');
  });
  assert.equal(events.length, 1);
  const [e] = events;
  assert.equal(e.auditID, 'client-chosen');
  assert.equal(e.requestObject, undefined);
  assert.equal(e.responseObject, undefined);
  assert.equal(e.objectRef.name, 's');
  assert.deepEqual(e.responseStatus, { metadata: {}, status: 'Failure', message: 'secrets "s" already exists', reason: 'AlreadyExists', details: { name: 's', kind: 'secrets' }, code: 409 });
  assert.ok(!JSON.stringify(e).includes('c2VjcmV0'));
});

test('long-running requests log ResponseStarted; impersonation is recorded; a crash is a Panic', async () => {
  const events = await audited(POLICY([{ level: 'Request' }]), async (req, res) => {
    if (req.url!.includes('watch')) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED"}\n');
      res.end();
      return;
    }
    throw new TypeError('boom');
  }, async port => {
    await call(port, 'GET', '/api/v1/pods?watch=true', undefined, { 'Impersonate-User': 'system:serviceaccount:ns:sa', 'Impersonate-Group': 'g1' });
    await call(port, 'GET', '/api/v1/nodes');
  });
  const watch = events.filter(e => e.verb === 'watch');
  assert.deepEqual(watch.map(e => e.stage), ['RequestReceived', 'ResponseStarted', 'ResponseComplete']);
  assert.deepEqual(watch[1].responseStatus, { metadata: {}, code: 200 });
  assert.deepEqual(watch[0].impersonatedUser, { username: 'system:serviceaccount:ns:sa', groups: ['g1', 'system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
  const crash = events.filter(e => e.objectRef?.resource === 'nodes');
  assert.deepEqual(crash.map(e => e.stage), ['RequestReceived', 'Panic']);
  assert.deepEqual(crash[1].responseStatus, { metadata: {}, status: 'Failure', message: "APIServer panic'd: boom", reason: 'InternalError', code: 500 });
});

test('level None writes nothing', async () => {
  const events = await audited(POLICY([{ level: 'None', resources: [{ resources: ['events'] }] }, { level: 'Metadata', verbs: ['create'] }]), async (_req, res) => {
    res.writeHead(200).end('{}');
  }, async port => {
    await call(port, 'GET', '/api/v1/namespaces/a/events');
    await call(port, 'GET', '/api/v1/pods');
  });
  assert.deepEqual(events, []);
});
