import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullCredentials, pullPolicy, registryHost } from './images.js';
import type { SecretObject } from './types.js';

test('pull policy defaults as upstream: latest or untagged → Always, tagged or digest → IfNotPresent', () => {
  assert.equal(pullPolicy({ name: 'c', image: 'busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'c', image: 'busybox:latest' }), 'Always');
  assert.equal(pullPolicy({ name: 'c', image: 'localhost:5000/busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'c', image: 'k8ts.local/busybox:1' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'c', image: 'busybox@sha256:abc' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'c', image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
});

test('registry host of an image reference', () => {
  assert.equal(registryHost('busybox'), 'docker.io');
  assert.equal(registryHost('library/busybox:1'), 'docker.io');
  assert.equal(registryHost('k8ts.local/busybox:1'), 'k8ts.local');
  assert.equal(registryHost('localhost:5000/x'), 'localhost:5000');
});

test('pull credentials from dockerconfigjson and dockercfg secrets that match the registry', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const json: SecretObject = { metadata: { name: 'a' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths: {
    'k8ts.local': { auth: b64('alice:pa:ss') },
    'https://index.docker.io/v1/': { username: 'bob', password: 'pw' },
  } })) } };
  const cfg: SecretObject = { metadata: { name: 'b' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify({ 'k8ts.local': { username: 'carol', password: 'x' } })) } };
  assert.deepEqual(pullCredentials([json, cfg], 'k8ts.local/busybox:1'), [
    { username: 'alice', password: 'pa:ss', serverAddress: 'k8ts.local' },
    { username: 'carol', password: 'x', serverAddress: 'k8ts.local' },
  ]);
  assert.deepEqual(pullCredentials([json], 'busybox'), [{ username: 'bob', password: 'pw', serverAddress: 'https://index.docker.io/v1/' }]);
  assert.deepEqual(pullCredentials([json], 'quay.io/x/y:1'), []);
});
