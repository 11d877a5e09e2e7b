import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pullPolicy, registryHost } from './images.js';

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
