import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespaceConditions } from './namespace.js';

test('namespace deletion conditions as upstream words them', () => {
  const remaining = namespaceConditions(undefined, { deleteErrors: [], remaining: new Map([['pods.', 2], ['configmaps.', 1]]), finalizers: new Map([['example.com/x', 1]]) }, 'now');
  const by = Object.fromEntries(remaining.map(c => [c.type, c]));
  assert.equal(by.NamespaceContentRemaining.status, 'True');
  assert.equal(by.NamespaceContentRemaining.reason, 'SomeResourcesRemain');
  assert.equal(by.NamespaceContentRemaining.message, 'Some resources are remaining: configmaps. has 1 resource instances, pods. has 2 resource instances');
  assert.equal(by.NamespaceFinalizersRemaining.message, 'Some content in the namespace has finalizers remaining: example.com/x in 1 resource instances');
  assert.equal(by.NamespaceDeletionDiscoveryFailure.reason, 'ResourcesDiscovered');
  const done = namespaceConditions(remaining, { deleteErrors: [], remaining: new Map(), finalizers: new Map() }, 'later');
  const d = Object.fromEntries(done.map(c => [c.type, c]));
  assert.equal(d.NamespaceContentRemaining.status, 'False');
  assert.equal(d.NamespaceContentRemaining.reason, 'ContentRemoved');
  assert.equal(d.NamespaceContentRemaining.lastTransitionTime, 'later');
  assert.equal(d.NamespaceDeletionDiscoveryFailure.lastTransitionTime, 'now');
});
