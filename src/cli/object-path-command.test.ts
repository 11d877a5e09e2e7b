import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FlagError } from './flags.js';
import { kindNamePath, kubectlShortFlag } from './object-path-command.js';

test('KIND/NAME becomes the object\'s API path under the prefix, namespaced only when its kind is', () => {
  assert.equal(kindNamePath('/apis/why.k8ts.io/v1alpha1', 'deploy/web', 'shop'), '/apis/why.k8ts.io/v1alpha1/apis/apps/v1/namespaces/shop/deployments/web');
  assert.equal(kindNamePath('/p', 'Pod/x', 'default'), '/p/api/v1/namespaces/default/pods/x');
  assert.equal(kindNamePath('/p', 'nodes/n1', 'shop'), '/p/api/v1/nodes/n1');
  assert.equal(kindNamePath('/p', 'deployments.apps/web', 'a'), '/p/apis/apps/v1/namespaces/a/deployments/web');
  assert.throws(() => kindNamePath('/p', 'gizmo/x', 'a'), (err: unknown) => err instanceof FlagError && err.message === 'the server doesn\'t have a resource type "gizmo"');
});

test('-n and -o are kubectl\'s short flags; anything else passes as it is', () => {
  assert.deepEqual(['-n', 'a', '-o', 'json', '--kubeconfig', 'k'].map(kubectlShortFlag), ['--namespace', 'a', '--output', 'json', '--kubeconfig', 'k']);
});
