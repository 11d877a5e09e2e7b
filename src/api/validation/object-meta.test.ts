import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';
import { clusterScoped, messages, namespaced } from './testing.js';
import { clusterRules } from './cluster.js';
import { configMapRules } from './config.js';
import { coreWorkloadRules } from './core-workloads.js';
import { rbacRules } from './rbac.js';
import { serviceRules } from './service.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('bad names get the exact upstream message', () => {
  assert.deepEqual(messages(validateCreate(configMapRules, { metadata: { name: 'Bad_Name', namespace: 'default' } }, namespaced)), [
    `metadata.name: Invalid value: "Bad_Name": ${SUBDOMAIN_MSG}`,
  ]);
  assert.deepEqual(messages(validateCreate(configMapRules, { metadata: { namespace: 'default' } }, namespaced)), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(messages(validateCreate(clusterRules.Namespace, { metadata: { name: 'a.b' } }, clusterScoped)), [
    `metadata.name: Invalid value: "a.b": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  const svc = messages(validateCreate(serviceRules, { metadata: { name: '1svc', namespace: 'd' }, spec: { type: 'ClusterIP', sessionAffinity: 'None', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] } }, namespaced));
  assert.deepEqual(svc, [`metadata.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`]);
  assert.deepEqual(messages(validateCreate(rbacRules.ClusterRole, { metadata: { name: 'system:a/b' } }, clusterScoped)), [
    "metadata.name: Invalid value: \"system:a/b\": may not contain '/'",
  ]);
});

test('namespace scope, labels, annotations, finalizers and owner references', () => {
  assert.deepEqual(messages(validateCreate(configMapRules, { metadata: { name: 'a' } }, namespaced)), ['metadata.namespace: Required value']);
  assert.deepEqual(messages(validateCreate(clusterRules.Node, { metadata: { name: 'a', namespace: 'x' } }, clusterScoped)), ['metadata.namespace: Forbidden: not allowed on this type']);
  const meta = {
    name: 'a', namespace: 'd', labels: { 'bad key!': 'v', ok: 'bad value!' }, annotations: { big: 'x'.repeat(256 * 1024) },
    finalizers: ['example.com/ok', 'a/b/c'], ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '' }],
  };
  const errs = messages(validateCreate(configMapRules, { metadata: meta }, namespaced));
  assert.ok(errs.some(e => e.startsWith(`metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters`)), errs.join('\n'));
  assert.ok(errs.some(e => e.startsWith(`metadata.labels: Invalid value: "bad value!": a valid label must be an empty string`)));
  assert.ok(errs.includes('metadata.annotations: Too long: must have at most 262144 bytes'));
  assert.ok(errs.some(e => e.startsWith('metadata.finalizers: Invalid value: "a/b/c": a qualified name must consist of')));
  assert.ok(errs.includes('metadata.ownerReferences.uid: Invalid value: "": uid must not be empty'));
  assert.equal(errs.length, 5);
});

test('generateName is checked as a prefix', () => {
  assert.deepEqual(validateCreate(coreWorkloadRules.Pod, { metadata: { generateName: 'web-', name: 'web-x7k2p', namespace: 'd' }, spec: { containers: [{ name: 'c', image: 'i', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' } }, namespaced), []);
  const errs = messages(validateCreate(configMapRules, { metadata: { generateName: 'Web-', name: 'x', namespace: 'd' } }, namespaced));
  assert.match(errs[0], /^metadata.generateName: Invalid value: "Web-": a lowercase RFC 1123 subdomain/);
});

test('identity fields are immutable and deleting objects take no new finalizers', () => {
  const old = { metadata: { name: 'a', namespace: 'd', uid: 'u1', creationTimestamp: 't', deletionTimestamp: 'now', finalizers: ['a.io/x'] } };
  const next = { metadata: { ...old.metadata, uid: 'u2', finalizers: ['a.io/x', 'b.io/y'] } };
  assert.deepEqual(messages(validateUpdate(configMapRules, next, old, namespaced)), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
});
