import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError, StatusError } from '../../api/errors.js';
import type { Node, Pod } from '../../api/types/generated.js';
import { nodeProxyLocation, podLogLocation, podStreamLocation, type ObjectSource } from './location.js';

const node: Node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.9.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10251 } } } };
const pods: Record<string, Pod> = {
  one: { metadata: { name: 'one', namespace: 'ns' }, spec: { nodeName: 'n1', containers: [{ name: 'c' }] } },
  two: { metadata: { name: 'two', namespace: 'ns' }, spec: { nodeName: 'n1', initContainers: [{ name: 'init' }], containers: [{ name: 'a' }, { name: 'b' }] } },
  pending: { metadata: { name: 'pending', namespace: 'ns' }, spec: { containers: [{ name: 'c' }] } },
};
const src: ObjectSource = {
  pod: (_ns, name) => { const p = pods[name]; if (!p) throw new NotFoundError({ group: '', resource: 'pods', name }); return p; },
  node: name => { if (name !== 'n1') throw new NotFoundError({ group: '', resource: 'nodes', name }); return node; },
};

function statusOf(fn: () => unknown): { code: number; message: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StatusError);
    return { code: err.code, message: err.message };
  }
  assert.fail('expected an error');
}

test('pods/log → containerLogs on the node InternalIP and reported kubelet port, options re-encoded', () => {
  const q = new URLSearchParams('follow=true&tailLines=10&timestamps=1&sinceTime=2026-11-23T10:00:00.5Z&limitBytes=5&previous=true');
  assert.deepEqual(podLogLocation(src, 'ns', 'one', q), {
    host: '10.9.0.2', port: 10251,
    path: '/containerLogs/ns/one/c?follow=true&previous=true&timestamps=true&sinceTime=2026-11-23T10%3A00%3A00Z&tailLines=10&limitBytes=5',
  });
  assert.equal(podLogLocation(src, 'ns', 'pending', new URLSearchParams()), undefined);
});

test('pods/log validates options and the container like upstream', () => {
  assert.deepEqual(statusOf(() => podLogLocation(src, 'ns', 'two', new URLSearchParams())),
    { code: 400, message: 'a container name must be specified for pod two, choose one of: [init a b]' });
  assert.deepEqual(statusOf(() => podLogLocation(src, 'ns', 'one', new URLSearchParams('container=x'))),
    { code: 400, message: 'container x is not valid for pod one' });
  assert.equal(statusOf(() => podLogLocation(src, 'ns', 'one', new URLSearchParams('tailLines=-1'))).message,
    'PodLogOptions "one" is invalid: tailLines: Invalid value: -1: must be greater than or equal to 0');
  assert.equal(statusOf(() => podLogLocation(src, 'ns', 'one', new URLSearchParams('sinceSeconds=0'))).code, 422);
  assert.equal(statusOf(() => podLogLocation(src, 'ns', 'missing', new URLSearchParams())).code, 404);
  assert.equal(podLogLocation(src, 'ns', 'two', new URLSearchParams('container=init'))!.path, '/containerLogs/ns/two/init');
});

test('pods/exec keeps the command order and re-encodes stream flags as upstream', () => {
  const q = new URLSearchParams('command=sh&command=-c&command=echo+hi&container=b&stdin=true&stdout=true&stderr=false&tty=true');
  assert.equal(podStreamLocation(src, 'exec', 'ns', 'two', q).path, '/exec/ns/two/b?stdin=1&stdout=1&tty=1&command=sh&command=-c&command=echo+hi');
  assert.equal(podStreamLocation(src, 'attach', 'ns', 'one', new URLSearchParams('stdout=1&command=x')).path, '/attach/ns/one/c?stdout=1');
  assert.deepEqual(statusOf(() => podStreamLocation(src, 'exec', 'ns', 'pending', new URLSearchParams('command=ls'))),
    { code: 400, message: 'pod pending does not have a host assigned' });
});

test('pods/portforward carries the ports; nodes/proxy passes the path and query through', () => {
  assert.equal(podStreamLocation(src, 'portforward', 'ns', 'one', new URLSearchParams('ports=80&ports=8080')).path, '/portForward/ns/one?port=80%2C8080');
  assert.equal(podStreamLocation(src, 'portforward', 'ns', 'one', new URLSearchParams()).path, '/portForward/ns/one');
  assert.deepEqual(nodeProxyLocation(src, 'n1', '/stats/summary', 'only_cpu_and_memory=true'), { host: '10.9.0.2', port: 10251, path: '/stats/summary?only_cpu_and_memory=true' });
  assert.equal(statusOf(() => nodeProxyLocation(src, 'n2', '/', '')).code, 404);
});
