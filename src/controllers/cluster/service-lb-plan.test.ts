import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planServiceLB, servingNodeIPs, type LbNode, type LbService } from './service-lb-plan.js';

const node = (name: string, ip: string, ready = true, labels?: Record<string, string>): LbNode => ({
  metadata: { name, labels },
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
});
const lb = (name: string, created: string, ports: { port: number; protocol?: string }[], spec: Partial<NonNullable<LbService['spec']>> = {}): LbService => ({
  metadata: { namespace: 'default', name, creationTimestamp: created },
  spec: { type: 'LoadBalancer', ports, ...spec },
});

test('ingress is the InternalIPs of Ready nodes not excluded from load balancers, in address order', () => {
  assert.deepEqual(servingNodeIPs([
    node('c', '10.99.0.10'), node('a', '10.99.0.2'), node('down', '10.99.0.3', false),
    node('out', '10.99.0.4', true, { 'node.kubernetes.io/exclude-from-external-load-balancers': '' }),
  ]), ['10.99.0.2', '10.99.0.10']);
});

test('the earlier Service keeps a port+protocol; a later one wanting it stays pending, saying why', () => {
  const nodes = [node('a', '10.99.0.2'), node('b', '10.99.0.3')];
  const plan = planServiceLB([
    lb('second', '2026-01-01T00:00:02Z', [{ port: 443 }, { port: 80 }]),
    lb('first', '2026-01-01T00:00:01Z', [{ port: 80 }]),
    lb('udp', '2026-01-01T00:00:03Z', [{ port: 80, protocol: 'UDP' }]),
  ], nodes);
  assert.deepEqual(plan.get('default/first'), { kind: 'serve', ingress: ['10.99.0.2', '10.99.0.3'] });
  assert.deepEqual(plan.get('default/second'), { kind: 'pending', reason: 'port 80/TCP is already used by LoadBalancer Service default/first on every node' });
  assert.deepEqual(plan.get('default/udp'), { kind: 'serve', ingress: ['10.99.0.2', '10.99.0.3'] });
  // A pending Service claims none of its ports: 443 is still free for a third.
  assert.equal(planServiceLB([...[lb('first', '1', [{ port: 80 }]), lb('second', '2', [{ port: 443 }, { port: 80 }])], lb('third', '3', [{ port: 443 }])], nodes).get('default/third')!.kind, 'serve');
});

test('Services of another class, other types and deleted ones are not ours and claim nothing', () => {
  const plan = planServiceLB([
    lb('other', '1', [{ port: 80 }], { loadBalancerClass: 'example.com/lb' }),
    { metadata: { namespace: 'default', name: 'np', creationTimestamp: '1' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } },
    { ...lb('gone', '1', [{ port: 80 }]), metadata: { namespace: 'default', name: 'gone', creationTimestamp: '1', deletionTimestamp: '2' } },
    lb('ours', '2', [{ port: 80 }], { loadBalancerClass: 'k8ts.io/servicelb' }),
  ], [node('a', '10.99.0.2')]);
  assert.deepEqual([...plan.keys()], ['default/ours']);
  assert.equal(plan.get('default/ours')!.kind, 'serve');
});
