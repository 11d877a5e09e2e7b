import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from '../../api/types/generated.js';
import { explainService } from './service.js';

const svc = (spec: Service['spec']): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'shop', uid: 's' }, spec });
const pod = (name: string, labels: Record<string, string>, over: Partial<Pod> = {}): Pod => ({
  metadata: { name, namespace: 'shop', uid: name, labels, ...over.metadata },
  spec: { nodeName: 'n', containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }], ...over.spec },
  status: { phase: 'Running', podIP: `10.0.0.${name.length}`, conditions: [{ type: 'Ready', status: 'True' }], ...over.status },
});
const findings = (e: ReturnType<typeof explainService>, title: string) => e.sections.find(s => s.title === title)?.findings.map(f => [f.subject, f.text]) ?? [];

test('a selector that matches nothing: the near misses name the labels that differ', () => {
  const e = explainService(svc({ selector: { app: 'web', tier: 'front' }, ports: [{ port: 80 }] }), {
    pods: [pod('webb', { app: 'webb', tier: 'front' }), pod('db', { app: 'db' }), pod('other', { role: 'x' })], eventsOf: () => [],
  });
  assert.equal(e.summary, 'No endpoints: selector app=web,tier=front matches no pod in namespace shop');
  assert.equal(e.severity, 'error');
  assert.deepEqual(findings(e, 'Near misses'), [
    ['pod/webb', 'app=webb (want app=web)'],
    ['pod/db', 'app=db (want app=web), no label tier (want tier=front)'],
  ]);
});

test('matching pods that are not endpoints: not ready, not scheduled, terminating, no port of the target name', () => {
  const notReady = pod('slow', { app: 'web' }, { status: { phase: 'Running', podIP: '10.0.0.9', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', image: '', imageID: '', ready: false, restartCount: 0, state: { running: {} } }] } });
  const pending: Pod = { metadata: { name: 'pending', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }] }] }, status: { phase: 'Pending' } };
  const leaving = pod('leaving', { app: 'web' }, { metadata: { name: 'leaving', labels: { app: 'web' }, deletionTimestamp: '2026-01-01T00:00:00Z' } });
  const noPort = pod('noport', { app: 'web' }, { spec: { nodeName: 'n', containers: [{ name: 'app' }] } });
  const ready = pod('ready', { app: 'web' });
  const endpoints: Endpoints = { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.0.0.5', targetRef: { name: 'ready' } }], notReadyAddresses: [{ ip: '10.0.0.9', targetRef: { name: 'slow' } }] }] };
  const e = explainService(svc({ selector: { app: 'web' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] }), { pods: [notReady, pending, leaving, noPort, ready], endpoints, eventsOf: () => [] });
  assert.equal(e.summary, '1 ready endpoint (of 5 pods matching app=web)');
  assert.deepEqual(findings(e, 'Matching pods'), [
    ['pod/slow', 'Running, not ready: container app not ready'],
    ['pod/pending', 'Pending: not scheduled yet'],
    ['pod/leaving', 'terminating: taken out of the endpoints'],
    ['pod/noport', 'no container port named "http" (service port web, 80/TCP)'],
    ['pod/ready', 'ready endpoint 10.0.0.5'],
  ]);
  const none = explainService(svc({ selector: { app: 'web' }, ports: [{ port: 80 }] }), { pods: [notReady], eventsOf: () => [] });
  assert.equal(none.summary, 'No ready endpoints: 1 pod matches selector app=web, none is a ready endpoint');
});

test('a Service without a selector is explained by its hand-made Endpoints; ExternalName has none by design', () => {
  const bare = explainService(svc({ ports: [{ port: 80 }] }), { pods: [], eventsOf: () => [] });
  assert.equal(bare.summary, 'No endpoints: the Service has no selector and there is no Endpoints object named web');
  assert.equal(bare.severity, 'error');
  const manual = explainService(svc({ ports: [{ port: 80 }] }), { pods: [], endpoints: { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }] }] }, eventsOf: () => [] });
  assert.equal(manual.summary, 'No selector: 1 ready address in the hand-made Endpoints object');
  assert.deepEqual(findings(manual, 'Endpoints').slice(1), [['192.0.2.1', 'ready address']]);
  assert.equal(explainService(svc({ type: 'ExternalName', externalName: 'db.example.com' }), { pods: [], eventsOf: () => [] }).severity, 'ok');
});
