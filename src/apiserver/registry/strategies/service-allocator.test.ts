import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { parseCidr } from '../../../api/cidr.js';
import { ServiceAllocator } from './service-allocator.js';

function allocatorWith(existing: KubeObject[]) {
  return new ServiceAllocator(parseCidr('10.43.0.0/28'), { min: 30000, max: 30002 }, () => existing);
}

const svc = (spec: Record<string, unknown>): KubeObject => ({ metadata: { name: 's' }, spec });

test('cluster IPs are unique, inside the range, and never the network or first address', () => {
  const existing: KubeObject[] = [];
  const a = allocatorWith(existing);
  const seen = new Set<string>();
  for (let i = 0; i < 14; i++) {
    const s = svc({ ports: [{ port: 80 }] });
    assert.deepEqual(a.allocateForCreate(s), []);
    const ip = (s.spec as { clusterIP: string }).clusterIP;
    assert.match(ip, /^10\.43\.0\.(\d+)$/);
    assert.ok(!['10.43.0.0', '10.43.0.1'].includes(ip));
    assert.ok(!seen.has(ip), `double allocation of ${ip}`);
    seen.add(ip);
    existing.push(s);
  }
  const full = svc({});
  assert.match(a.allocateForCreate(full)[0].toString(), /range is full/);
});

test('requested IPs and node ports are checked; a deleted Service releases them', () => {
  const existing = [svc({ clusterIP: '10.43.0.5', type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] })];
  const a = allocatorWith(existing);
  assert.match(a.allocateForCreate(svc({ clusterIP: '10.43.0.5' }))[0].toString(), /provided IP is already allocated/);
  assert.match(a.allocateForCreate(svc({ clusterIP: '10.99.0.1' }))[0].toString(), /not in the valid range/);
  const clash = a.allocateForCreate(svc({ type: 'NodePort', ports: [{ port: 81, nodePort: 30001 }] }));
  assert.ok(clash.some(e => /provided port is already allocated/.test(e.toString())));
  existing.length = 0;
  const b = allocatorWith(existing);
  assert.deepEqual(b.allocateForCreate(svc({ clusterIP: '10.43.0.5', type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] })), []);
});

test('updates keep the cluster IP and node ports a client left out', () => {
  const a = allocatorWith([]);
  const old = svc({ type: 'NodePort', clusterIP: '10.43.0.7', clusterIPs: ['10.43.0.7'], ports: [{ port: 80, protocol: 'TCP', nodePort: 30002 }] });
  const next = svc({ type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] });
  assert.deepEqual(a.allocateForUpdate(next, old), []);
  assert.equal((next.spec as any).clusterIP, '10.43.0.7');
  assert.equal((next.spec as any).ports[0].nodePort, 30002);
});

test('a LoadBalancer with externalTrafficPolicy Local gets a health check node port, kept on update, dropped with Cluster', () => {
  const existing: KubeObject[] = [];
  const a = allocatorWith(existing);
  const s = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
  assert.deepEqual(a.allocateForCreate(s), []);
  const spec = s.spec as { healthCheckNodePort: number; ports: { nodePort: number }[] };
  assert.ok(spec.healthCheckNodePort >= 30000 && spec.healthCheckNodePort <= 30002);
  assert.notEqual(spec.healthCheckNodePort, spec.ports[0].nodePort);
  existing.push(s);
  const next = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] });
  assert.deepEqual(a.allocateForUpdate(next, s), []);
  assert.equal((next.spec as typeof spec).healthCheckNodePort, spec.healthCheckNodePort);
  const taken = a.allocateForCreate(svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Local', healthCheckNodePort: spec.healthCheckNodePort, ports: [{ port: 81 }] }));
  assert.ok(taken.some(e => e.field === 'spec.healthCheckNodePort' && /already allocated/.test(e.toString())));
  const cluster = svc({ type: 'LoadBalancer', externalTrafficPolicy: 'Cluster', ports: [{ port: 80 }] });
  assert.deepEqual(a.allocateForUpdate(cluster, s), []);
  assert.equal((cluster.spec as { healthCheckNodePort?: number }).healthCheckNodePort, undefined);
});
