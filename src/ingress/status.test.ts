import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ingressNodeLabels, loadBalancerIngress, statusOutdated } from './status.js';
import type { IngressObject, NodeObject } from './types.js';

const node = (name: string, ip: string, ready: string, controller?: boolean): NodeObject => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: { name, labels: controller === undefined ? {} : ingressNodeLabels(controller) },
  status: { conditions: [{ type: 'Ready', status: ready }], addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] },
});

test('the InternalIPs of Ready nodes running the controller, in one order whatever the input order', () => {
  const nodes = [node('c', '10.99.0.4', 'True', true), node('a', '10.99.0.2', 'True', true), node('b', '10.99.0.3', 'True', true)];
  const want = [{ ip: '10.99.0.2' }, { ip: '10.99.0.3' }, { ip: '10.99.0.4' }];
  assert.deepEqual(loadBalancerIngress(nodes), want);
  assert.deepEqual(loadBalancerIngress([...nodes].reverse()), want);
});

test('nodes not Ready, with the controller disabled, or never labelled are left out', () => {
  assert.deepEqual(loadBalancerIngress([
    node('a', '10.99.0.2', 'True', true), node('b', '10.99.0.3', 'Unknown', true), node('c', '10.99.0.4', 'True', false), node('d', '10.99.0.5', 'True'),
  ]), [{ ip: '10.99.0.2' }]);
});

test('status is rewritten only when it differs', () => {
  const ing = (lb?: object[]): IngressObject => ({ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'i' }, status: lb ? { loadBalancer: { ingress: lb } } : {} });
  const want = [{ ip: '10.99.0.2' }, { ip: '10.99.0.3' }];
  assert.equal(statusOutdated(ing([{ ip: '10.99.0.2' }, { ip: '10.99.0.3' }]), want), false);
  assert.equal(statusOutdated(ing([{ ip: '10.99.0.3' }, { ip: '10.99.0.2' }]), want), true);
  assert.equal(statusOutdated(ing([{ ip: '10.99.0.2' }]), want), true);
  assert.equal(statusOutdated(ing([{ ip: '10.99.0.2', hostname: 'lb' }, { ip: '10.99.0.3' }]), want), true);
  assert.equal(statusOutdated(ing(), want), true);
  assert.equal(statusOutdated(ing(), []), false);
});
