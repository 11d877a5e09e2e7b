// Probe actions against real local servers on loopback (HTTP, TCP, gRPC health), and the worker's
// thresholds and startup gating.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Container } from '../../api/types/generated.js';
import type { RuntimeClient } from '../cri/client.js';
import type { PodObject } from '../types.js';
import { grpcAction, httpGetAction, tcpSocketAction } from './handlers.js';
import { ProberManager } from './prober-manager.js';

// Exec probes need a runtime; these tests use only network probes, which never touch it.
const noRuntime = undefined as unknown as RuntimeClient;

async function listen(server: Server): Promise<number> {
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const target = (container: Container) => ({ podIP: '127.0.0.1', containerId: 'x', container, runtime: noRuntime, timeoutSeconds: 1 });

test('httpGet: 2xx/3xx succeed, others fail with upstream text, named ports resolve, headers sent', async () => {
  let seen: Record<string, string | string[] | undefined> = {};
  const server = createServer((req, res) => {
    seen = req.headers;
    res.statusCode = req.url === '/ok' ? 200 : req.url === '/moved' ? 302 : 503;
    res.end('body');
  });
  const port = await listen(server);
  try {
    const c: Container = { name: 'c', ports: [{ name: 'web', containerPort: port }] };
    assert.deepEqual(await httpGetAction({ path: '/ok', port: 'web', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, target(c)), { ok: true, output: 'body' });
    assert.equal(seen['user-agent'], 'kube-probe/1.32');
    assert.equal(seen['x-probe'], '1');
    assert.equal((await httpGetAction({ path: '/moved', port }, target(c))).ok, true);
    assert.deepEqual(await httpGetAction({ path: '/bad', port }, target(c)), { ok: false, output: 'HTTP probe failed with statuscode: 503' });
  } finally {
    server.close();
  }
  const refused = await httpGetAction({ path: '/x', port }, target({ name: 'c' }));
  assert.deepEqual(refused, { ok: false, output: `Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('tcpSocket: a listener succeeds, a closed port fails as Go prints it', async () => {
  const server = createTcpServer(s => s.end());
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  assert.equal((await tcpSocketAction({ port }, target({ name: 'c' }))).ok, true);
  await new Promise(r => server.close(r));
  assert.deepEqual(await tcpSocketAction({ port }, target({ name: 'c' })), { ok: false, output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
});

test('grpc: grpc.health.v1 SERVING succeeds, NOT_SERVING fails', async () => {
  const server = new grpc.Server();
  const statuses: Record<string, number> = { '': 1, sick: 2 };
  server.addService({
    Check: {
      path: '/grpc.health.v1.Health/Check', requestStream: false, responseStream: false,
      // An object, not a string: grpc-js takes a falsy request for a missing one.
      requestSerialize: (r: { service: string }) => Buffer.from(r.service), requestDeserialize: (b: Buffer) => ({ service: b.length > 2 ? b.subarray(2).toString() : '' }),
      responseSerialize: (n: number) => Buffer.from([0x08, n]), responseDeserialize: (b: Buffer) => b[1],
    },
  }, { Check: (call: grpc.ServerUnaryCall<{ service: string }, number>, cb: grpc.sendUnaryData<number>) => cb(null, statuses[call.request.service] ?? 3) });
  const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  try {
    assert.deepEqual(await grpcAction({ port }, target({ name: 'c' })), { ok: true, output: '' });
    assert.deepEqual(await grpcAction({ port, service: 'sick' }, target({ name: 'c' })), { ok: false, output: 'service unhealthy (responded with "NOT_SERVING")' });
  } finally {
    server.forceShutdown();
  }
});

test('manager: readiness needs successThreshold, liveness fails after failureThreshold and holds, startup gates both', async () => {
  let healthy = true;
  let started = false;
  const server = createServer((req, res) => {
    if (req.url === '/startup') res.statusCode = started ? 200 : 500;
    else res.statusCode = healthy ? 200 : 500;
    res.end();
  });
  const port = await listen(server);
  const failures: string[] = [];
  let changes = 0;
  const m = new ProberManager(noRuntime, { failed: (_p, kind, out) => failures.push(`${kind}: ${out}`), changed: () => changes++ });
  const fast = { periodSeconds: 0.05 as number, timeoutSeconds: 1 };
  const c: Container = {
    name: 'c',
    startupProbe: { httpGet: { path: '/startup', port }, ...fast, failureThreshold: 1000 },
    readinessProbe: { httpGet: { path: '/ready', port }, ...fast, successThreshold: 2 },
    livenessProbe: { httpGet: { path: '/live', port }, ...fast, failureThreshold: 3 },
  };
  const pod = { metadata: { uid: 'u' }, spec: { containers: [c] } } as PodObject;
  const until = async (f: () => boolean) => { for (let i = 0; i < 200 && !f(); i++) await new Promise(r => setTimeout(r, 20)); assert.ok(f()); };
  try {
    m.syncPod('u', [{ pod, container: c, id: 'id1', startedAt: Date.now(), podIP: '127.0.0.1' }]);
    await new Promise(r => setTimeout(r, 200));
    assert.equal(m.started(c, 'id1'), false);
    assert.equal(m.ready(c, 'id1'), false, 'not ready before startup');
    assert.ok(failures.every(f => f.startsWith('startup: HTTP probe failed with statuscode: 500')), failures.join());
    started = true;
    await until(() => m.ready(c, 'id1'));
    healthy = false;
    await until(() => m.failure('id1') === 'liveness');
    assert.ok(failures.some(f => f === 'liveness: HTTP probe failed with statuscode: 500'));
    healthy = true;
    await new Promise(r => setTimeout(r, 200));
    assert.equal(m.failure('id1'), 'liveness', 'a liveness failure holds until the container is replaced');
    m.syncPod('u', []);
    assert.equal(m.failure('id1'), undefined);
    assert.ok(changes >= 3);
  } finally {
    m.stop();
    server.close();
  }
});
