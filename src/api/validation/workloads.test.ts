import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { defaulted, messages, namespaced, template } from './testing.js';
import { appsDefaults } from '../defaults/apps.js';
import { coreDefaults } from '../defaults/core.js';
import { appsRules } from './apps.js';
import { coreWorkloadRules } from './core-workloads.js';

const deployment = (selector: object, labels: Record<string, string>) => defaulted(appsDefaults.Deployment, { spec: { selector, template: template(labels) } });

test('valid workloads pass', () => {
  assert.deepEqual(validateCreate(appsRules.Deployment, deployment({ matchLabels: { app: 'a' } }, { app: 'a', tier: 'web' }), namespaced), []);
  for (const kind of ['ReplicaSet', 'StatefulSet', 'DaemonSet']) {
    const obj = defaulted(appsDefaults[kind], { spec: { selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }, template: template() } });
    assert.deepEqual(messages(validateCreate(appsRules[kind], obj, namespaced)), [], kind);
  }
  const rc = defaulted(coreDefaults.ReplicationController, { spec: { template: template() } });
  assert.deepEqual(validateCreate(coreWorkloadRules.ReplicationController, rc, namespaced), []);
});

test('selector must match template labels', () => {
  assert.deepEqual(messages(validateCreate(appsRules.Deployment, deployment({ matchLabels: { app: 'a' } }, { app: 'b', x: 'y' }), namespaced)), [
    'spec.template.metadata.labels: Invalid value: map[string]string{"app":"b", "x":"y"}: `selector` does not match template `labels`',
  ]);
  assert.deepEqual(messages(validateCreate(appsRules.Deployment, deployment({}, { app: 'a' }), namespaced)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
  ]);
});

test('replicas, strategy and restart policy', () => {
  const dep = deployment({ matchLabels: { app: 'a' } }, { app: 'a' });
  dep.spec.replicas = -1;
  dep.spec.strategy.rollingUpdate = { maxUnavailable: 0, maxSurge: '0%' };
  dep.spec.template.spec.restartPolicy = 'Never';
  assert.deepEqual(messages(validateCreate(appsRules.Deployment, dep, namespaced)), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0',
  ]);
});

test('selectors are immutable in apps/v1', () => {
  const old = deployment({ matchLabels: { app: 'a' } }, { app: 'a', v: '2' });
  const next = structuredClone(old);
  next.spec.selector.matchLabels = { app: 'a', v: '2' };
  assert.deepEqual(messages(validateUpdate(appsRules.Deployment, next, old, namespaced)), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"a", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
  ]);
  const scaled = structuredClone(old);
  scaled.spec.replicas = 5;
  scaled.spec.template.spec.containers[0].image = 'new';
  assert.deepEqual(validateUpdate(appsRules.Deployment, scaled, old, namespaced), []);
});

test('statefulset updates are limited to upstream\'s mutable fields', () => {
  const old = defaulted(appsDefaults.StatefulSet, { spec: { serviceName: 's', selector: { matchLabels: { app: 'a' } }, template: template() } });
  const next = structuredClone(old);
  next.spec.serviceName = 'other';
  assert.match(messages(validateUpdate(appsRules.StatefulSet, next, old, namespaced))[0], /^spec: Forbidden: updates to statefulset spec for fields other than 'replicas'/);
});

test('a statefulset template may mount its claim templates; only its labels and annotations are checked', () => {
  const tpl = template();
  tpl.spec.containers[0].volumeMounts = [{ name: 'www', mountPath: '/data' }];
  const set = defaulted(appsDefaults.StatefulSet, { spec: { serviceName: 's', selector: { matchLabels: { app: 'a' } }, template: tpl, volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] } });
  assert.deepEqual(messages(validateCreate(appsRules.StatefulSet, set, namespaced)), []);
  set.spec.template.metadata.labels['bad key!'] = 'v';
  set.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Keep', whenScaled: 'Delete' };
  assert.deepEqual(messages(validateCreate(appsRules.StatefulSet, set, namespaced)), [
    "spec.template.labels: Invalid value: \"bad key!\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    'spec.persistentVolumeClaimRetentionPolicy.whenDeleted: Unsupported value: "Keep": supported values: "Retain", "Delete"',
  ]);
});
