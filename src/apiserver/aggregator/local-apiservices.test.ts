import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { APIService, CustomResourceDefinition } from '../../api/types/generated.js';
import { AUTOMANAGED_LABEL, desiredLocalAPIServices, planRegistration } from './local-apiservices.js';

const groups = [{ name: '', versions: ['v1'], preferredVersion: 'v1' }, { name: 'autoscaling', versions: ['v2', 'v1'], preferredVersion: 'v2' }, { name: 'unlisted.k8s.io', versions: ['v1'], preferredVersion: 'v1' }];
const crd = (group: string, versions: [string, boolean][]) => ({ metadata: { name: `x.${group}` }, spec: { group, names: { plural: 'x', kind: 'X' }, scope: 'Namespaced', versions: versions.map(([name, served]) => ({ name, served, storage: true })) } }) as CustomResourceDefinition;
const live = (name: string, managed: string | undefined, spec: Partial<APIService['spec']> = {}): APIService => ({
  metadata: { name, resourceVersion: '7', labels: managed ? { [AUTOMANAGED_LABEL]: managed } : {} },
  spec: { group: name.split('.').slice(1).join('.'), version: name.split('.')[0], groupPriorityMinimum: 1000, versionPriority: 100, ...spec },
});

test('built-in group-versions get upstream priorities; CRD versions that are served get 1000/100', () => {
  const want = desiredLocalAPIServices(groups, [crd('stable.example.com', [['v1', true], ['v1beta1', false]])]);
  assert.deepEqual([...want.keys()], ['v1.', 'v2.autoscaling', 'v1.autoscaling', 'v1.stable.example.com']);
  assert.deepEqual(want.get('v1.')!.spec, { group: '', version: 'v1', groupPriorityMinimum: 18000, versionPriority: 1 });
  assert.deepEqual(want.get('v2.autoscaling')!.spec, { group: 'autoscaling', version: 'v2', groupPriorityMinimum: 17500, versionPriority: 30 });
  assert.deepEqual([want.get('v1.stable.example.com')!.spec.groupPriorityMinimum, want.get('v1.stable.example.com')!.managed], [1000, 'true']);
});

test('create what is missing, fix what drifted, leave unlabelled ones alone, remove onstart ones only on the first sync', () => {
  const want = desiredLocalAPIServices(groups, [crd('stable.example.com', [['v1', true]])]);
  const current = [
    live('v2.autoscaling', 'onstart', { groupPriorityMinimum: 17500, versionPriority: 30 }),
    live('v1.autoscaling', 'onstart', { groupPriorityMinimum: 1, versionPriority: 1 }),
    live('v1.', undefined, { service: { namespace: 'x', name: 'y' } }),
    live('v1beta1.gone.k8s.io', 'onstart'),
    live('v1.old.example.com', 'true'),
  ];
  const ops = (first: boolean) => planRegistration(want, current, first).map(a => `${a.op} ${'name' in a ? a.name : a.object.metadata?.name}`);
  assert.deepEqual(ops(true), ['update v1.autoscaling', 'create v1.stable.example.com', 'delete v1beta1.gone.k8s.io', 'delete v1.old.example.com']);
  assert.deepEqual(ops(false), ['update v1.autoscaling', 'create v1.stable.example.com', 'delete v1.old.example.com']);
  const created = planRegistration(want, [], true).find(a => a.op === 'create' && a.object.metadata?.name === 'v1.stable.example.com')!;
  assert.deepEqual('object' in created && created.object.metadata?.labels, { [AUTOMANAGED_LABEL]: 'true' });
});

test('a group-version served in-process gets its local APIService, onstart like the built-in ones', () => {
  const want = desiredLocalAPIServices(groups, [], [{ group: 'metrics.k8s.io', version: 'v1beta1', priority: { group: 100, version: 100 } }]);
  assert.deepEqual(want.get('v1beta1.metrics.k8s.io'), {
    name: 'v1beta1.metrics.k8s.io', managed: 'onstart', spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100 },
  });
  // Replaced by a Service-backed one without the label (metrics-server deployed instead): left alone.
  const theirs = live('v1beta1.metrics.k8s.io', undefined, { service: { namespace: 'kube-system', name: 'metrics-server' } });
  assert.deepEqual(planRegistration(want, [theirs], false).filter(a => a.op !== 'create' || a.object.metadata?.name === 'v1beta1.metrics.k8s.io'), []);
});
