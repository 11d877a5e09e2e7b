import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../../api/catalog.js';
import { StatusError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { systemContext, type RequestContext } from '../../context.js';
import type { AdmissionOperation, AdmissionPlugin } from '../types.js';
import { DEFAULT_POD_SECURITY_CONFIG, podSecurityAdmissionFrom } from './admission.js';

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const privilegedSpec = { containers: [{ name: 'c', image: 'i', securityContext: { privileged: true } }] };
const pod = (name: string, spec: object = privilegedSpec, meta: object = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'team', ...meta }, spec });

function setup(labels: Record<string, string>, pods: KubeObject[] = [], config = DEFAULT_POD_SECURITY_CONFIG) {
  const namespaces = new Map([['team', ns('team', labels)]]);
  const plugin = podSecurityAdmissionFrom({ namespace: n => namespaces.get(n), pods: () => pods }, config);
  return plugin;
}

function validate(plugin: AdmissionPlugin, group: string, resource: string, object: KubeObject, opts: { operation?: AdmissionOperation; oldObject?: KubeObject; subresource?: string; ctx?: RequestContext } = {}) {
  const ctx = opts.ctx ?? systemContext('alice');
  const info = ResourceCatalog.shared().find(group, 'v1', resource)!;
  let error: StatusError | undefined;
  try {
    plugin.validate!({ resource: info, operation: opts.operation ?? 'CREATE', namespace: info.namespaced ? 'team' : '', name: object.metadata.name!, subresource: opts.subresource ?? '', object, oldObject: opts.oldObject, ctx });
  } catch (err) {
    error = err as StatusError;
  }
  return { error, ctx };
}

test('enforce rejects a violating pod with upstream\'s message and records the policy', () => {
  const { error, ctx } = validate(setup({ 'pod-security.kubernetes.io/enforce': 'baseline' }), '', 'pods', pod('x'));
  assert.equal(error?.code, 403);
  assert.equal(error?.message, 'pods "x" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)');
  assert.equal(ctx.auditAnnotations?.['pod-security.kubernetes.io/enforce-policy'], 'baseline:latest');
  assert.deepEqual(ctx.warnings, [], 'no warnings on a rejected request');
});

test('warn adds a warning, audit an annotation, and the pod is admitted', () => {
  const { error, ctx } = validate(setup({ 'pod-security.kubernetes.io/warn': 'baseline', 'pod-security.kubernetes.io/audit': 'baseline', 'pod-security.kubernetes.io/audit-version': 'v1.30' }), '', 'pods', pod('x'));
  assert.equal(error, undefined);
  assert.deepEqual(ctx.warnings, ['would violate PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)']);
  assert.deepEqual(ctx.auditAnnotations, {
    'pod-security.kubernetes.io/enforce-policy': 'privileged:latest',
    'pod-security.kubernetes.io/audit-violations': 'would violate PodSecurity "baseline:v1.30": privileged (container "c" must not set securityContext.privileged=true)',
  });
});

test('an unlabelled namespace is privileged', () => {
  const { error, ctx } = validate(setup({}), '', 'pods', pod('x', { hostPID: true, containers: [{ name: 'c', image: 'i' }] }));
  assert.equal(error, undefined);
  assert.deepEqual(ctx.warnings, []);
  assert.deepEqual(ctx.auditAnnotations, { 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' });
});

test('workloads get warnings and audit annotations, never a rejection', () => {
  const deployment: KubeObject = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'team' }, spec: { template: { metadata: {}, spec: privilegedSpec } } };
  const { error, ctx } = validate(setup({ 'pod-security.kubernetes.io/enforce': 'restricted' }), 'apps', 'deployments', deployment);
  assert.equal(error, undefined);
  assert.equal(ctx.warnings.length, 1);
  assert.match(ctx.warnings[0], /^would violate PodSecurity "restricted:latest": privileged \(container "c" must not set securityContext.privileged=true\), allowPrivilegeEscalation != false/);
  const cronJob: KubeObject = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'cj', namespace: 'team' }, spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'j', image: 'i', ports: [{ containerPort: 1, hostPort: 80 }] }] } } } } } };
  const r = validate(setup({ 'pod-security.kubernetes.io/warn': 'baseline' }), 'batch', 'cronjobs', cronJob);
  assert.deepEqual(r.ctx.warnings, ['would violate PodSecurity "baseline:latest": hostPort (container "j" uses hostPort 80)']);
});

test('pod updates are evaluated only when an image or seccomp annotation changes; status is not', () => {
  const plugin = setup({ 'pod-security.kubernetes.io/enforce': 'baseline' });
  const old = pod('x');
  const relabelled = pod('x', privilegedSpec, { labels: { a: 'b' } });
  assert.equal(validate(plugin, '', 'pods', relabelled, { operation: 'UPDATE', oldObject: old }).error, undefined);
  const newImage = pod('x', { containers: [{ ...privilegedSpec.containers[0], image: 'j' }] });
  assert.equal(validate(plugin, '', 'pods', newImage, { operation: 'UPDATE', oldObject: old }).error?.code, 403);
  assert.equal(validate(plugin, '', 'pods', newImage, { operation: 'UPDATE', oldObject: old, subresource: 'status' }).error, undefined);
});

test('exempt namespaces, users and runtime classes are let through with the reason', () => {
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  const config = { ...DEFAULT_POD_SECURITY_CONFIG, exemptions: { usernames: ['ops'], namespaces: [], runtimeClasses: ['kata'] } };
  const byUser = validate(setup(labels, [], config), '', 'pods', pod('x'), { ctx: systemContext('ops') });
  assert.equal(byUser.error, undefined);
  assert.deepEqual(byUser.ctx.auditAnnotations, { 'pod-security.kubernetes.io/exempt': 'user' });
  const byClass = validate(setup(labels, [], config), '', 'pods', pod('x', { ...privilegedSpec, runtimeClassName: 'kata' }));
  assert.equal(byClass.error, undefined);
  assert.deepEqual(byClass.ctx.auditAnnotations, { 'pod-security.kubernetes.io/exempt': 'runtimeClass' });
  const nsConfig = { ...DEFAULT_POD_SECURITY_CONFIG, exemptions: { usernames: [], namespaces: ['team'], runtimeClasses: [] } };
  assert.deepEqual(validate(setup(labels, [], nsConfig), '', 'pods', pod('x')).ctx.auditAnnotations, { 'pod-security.kubernetes.io/exempt': 'namespace' });
});

test('the configuration\'s defaults apply to unlabelled namespaces', () => {
  const config = { ...DEFAULT_POD_SECURITY_CONFIG, defaults: { ...DEFAULT_POD_SECURITY_CONFIG.defaults, enforce: { level: 'baseline' as const, version: { latest: true as const } } } };
  assert.equal(validate(setup({}, [], config), '', 'pods', pod('x')).error?.code, 403);
});

test('a namespace with bad labels is invalid on create, and on update only if they changed', () => {
  const plugin = setup({});
  const bad = ns('team', { 'pod-security.kubernetes.io/enforce': 'strict' });
  const created = validate(plugin, '', 'namespaces', bad);
  assert.equal(created.error?.code, 422);
  assert.equal(created.error?.message, 'Namespace "team" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted');
  assert.equal(validate(plugin, '', 'namespaces', bad, { operation: 'UPDATE', oldObject: ns('team') }).error?.code, 422);
  assert.equal(validate(plugin, '', 'namespaces', { ...bad, metadata: { ...bad.metadata, annotations: { a: 'b' } } }, { operation: 'UPDATE', oldObject: bad }).error, undefined);
});

test('tightening enforce warns about existing pods, grouped by reason', () => {
  const owned = (name: string, uid: string) => pod(name, privilegedSpec, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }] });
  const pods = [owned('web-b', 'u1'), owned('web-a', 'u1'), owned('web-c', 'u1'), pod('lone', { hostNetwork: true, containers: [{ name: 'c', image: 'i' }] }), pod('fine', { containers: [{ name: 'c', image: 'i' }] })];
  const plugin = setup({}, pods);
  const { error, ctx } = validate(plugin, '', 'namespaces', ns('team', { 'pod-security.kubernetes.io/enforce': 'baseline' }), { operation: 'UPDATE', oldObject: ns('team') });
  assert.equal(error, undefined);
  assert.deepEqual(ctx.warnings, [
    'existing pods in namespace "team" violate the new PodSecurity enforce level "baseline:latest"',
    'lone: host namespaces',
    'web-a (and 2 other pods): privileged',
  ]);
  const relaxed = validate(plugin, '', 'namespaces', ns('team', { 'pod-security.kubernetes.io/enforce': 'baseline' }), { operation: 'UPDATE', oldObject: ns('team', { 'pod-security.kubernetes.io/enforce': 'restricted' }) });
  assert.deepEqual(relaxed.ctx.warnings, [], 'relaxing the level checks nothing');
});
