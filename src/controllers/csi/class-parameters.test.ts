import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClassParameterError, resolveSecretRef, splitClassParameters } from './class-parameters.js';

test('reserved csi.storage.k8s.io/ keys stay with Kubernetes; the rest go to the driver', () => {
  const p = splitClassParameters({
    type: 'fast', 'csi.storage.k8s.io/fstype': 'xfs',
    'csi.storage.k8s.io/provisioner-secret-name': 'creds', 'csi.storage.k8s.io/provisioner-secret-namespace': '${pvc.namespace}',
  });
  assert.deepEqual(p.driverParameters, { type: 'fast' });
  assert.equal(p.fsType, 'xfs');
  assert.deepEqual(p.secretTemplates.provisioner, { name: 'creds', namespace: '${pvc.namespace}' });
  assert.equal(splitClassParameters(undefined).fsType, '');
});

test('half a secret reference and unknown reserved keys are refused', () => {
  assert.throws(() => splitClassParameters({ 'csi.storage.k8s.io/node-stage-secret-name': 'x' }), /Both must be specified/);
  assert.throws(() => splitClassParameters({ 'csi.storage.k8s.io/bogus': 'x' }), /unknown parameter key "csi.storage.k8s.io\/bogus"/);
});

test('secret templates resolve from the claim and the PV name', () => {
  const ctx = { pvName: 'pvc-1', claimNamespace: 'apps', claimName: 'data', claimAnnotations: { team: 'blue' } };
  assert.deepEqual(resolveSecretRef('nodePublish', { name: "${pvc.name}-${pvc.annotations['team']}", namespace: '${pvc.namespace}' }, ctx), { name: 'data-blue', namespace: 'apps' });
  assert.deepEqual(resolveSecretRef('provisioner', { name: '${pv.name}', namespace: 'kube-system' }, ctx), { name: 'pvc-1', namespace: 'kube-system' });
  // The provisioner's own secret may not depend on annotations the claim's author controls.
  assert.throws(() => resolveSecretRef('provisioner', { name: "${pvc.annotations['team']}", namespace: 'x' }, ctx), ClassParameterError);
  assert.throws(() => resolveSecretRef('nodeStage', { name: '${pvc.name}', namespace: '${pvc.name}' }, ctx), /unsupported token/);
});
