import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError, MethodNotAllowedError } from '../../api/errors.js';
import { whyTarget } from './why.js';

const q = new URLSearchParams();

test('a why path names the object by its own API path, authorised as a get of it', () => {
  assert.equal(whyTarget('GET', '/api/v1/namespaces/a/pods/b', q), undefined);
  assert.deepEqual(
    (({ group, version, resource, namespace, name, verb }) => ({ group, version, resource, namespace, name, verb }))(whyTarget('GET', '/apis/why.k8ts.io/v1alpha1/apis/apps/v1/namespaces/shop/deployments/web', q)!),
    { group: 'apps', version: 'v1', resource: 'deployments', namespace: 'shop', name: 'web', verb: 'get' },
  );
  assert.equal(whyTarget('GET', '/apis/why.k8ts.io/v1alpha1/api/v1/nodes/n1', q)?.name, 'n1');
});

test('anything but a GET of one object is refused with upstream\'s status', () => {
  assert.throws(() => whyTarget('DELETE', '/apis/why.k8ts.io/v1alpha1/api/v1/namespaces/a/pods/b', q), MethodNotAllowedError);
  assert.throws(() => whyTarget('GET', '/apis/why.k8ts.io/v1alpha1/api/v1/namespaces/a/pods', q), BadRequestError);
  assert.throws(() => whyTarget('GET', '/apis/why.k8ts.io/v1alpha1/api/v1/namespaces/a/pods/b/status', q), BadRequestError);
});
