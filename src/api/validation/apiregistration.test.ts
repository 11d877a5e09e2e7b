import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiRegistrationDefaults } from '../defaults/apiregistration.js';
import { apiServiceRules } from './apiregistration.js';
import { validateCreate, validateUpdate } from './index.js';
import { clusterScoped, messages } from './testing.js';

const apiService = (name: string, spec: object) => {
  const o: Record<string, any> = { metadata: { name }, spec: { groupPriorityMinimum: 1000, versionPriority: 15, ...spec } };
  apiRegistrationDefaults.APIService(o, 'v1');
  return o;
};

test('a Service-backed APIService named <version>.<group> is valid; the port defaults to 443', () => {
  const o = apiService('v1beta1.metrics.k8s.io', { group: 'metrics.k8s.io', version: 'v1beta1', service: { namespace: 'kube-system', name: 'metrics-server' }, caBundle: Buffer.from('pem').toString('base64') });
  assert.deepEqual(messages(validateCreate(apiServiceRules, o, clusterScoped)), []);
  assert.equal(o.spec.service.port, 443);
  assert.deepEqual(messages(validateCreate(apiServiceRules, apiService('v1.', { group: '', version: 'v1' }), clusterScoped)), []);
});

test('upstream messages for names, priorities and TLS settings', () => {
  assert.deepEqual(messages(validateCreate(apiServiceRules, apiService('v1.wrong.io', { group: 'metrics.k8s.io', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1001 }), clusterScoped)), [
    'metadata.name: Invalid value: "v1.wrong.io": must be `spec.version+"."+spec.group`: "v1.metrics.k8s.io"',
    'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
    'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000',
  ]);
  assert.deepEqual(messages(validateCreate(apiServiceRules, apiService('v2.', { group: '', version: 'v2', caBundle: 'AAAA', insecureSkipTLSVerify: true }), clusterScoped)), [
    'spec.group: Required value: only v1 may have an empty group and it better be legacy kube',
    'spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle',
    'spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify',
  ]);
  assert.deepEqual(messages(validateCreate(apiServiceRules, apiService('V1.x.io', { group: 'x.io', version: 'V1', service: {}, caBundle: 'AAAA', insecureSkipTLSVerify: true }), clusterScoped)), [
    `spec.version: Invalid value: "V1": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    'spec.service.namespace: Required value',
    'spec.service.name: Required value',
    'spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present',
  ]);
  assert.deepEqual(messages(validateCreate(apiServiceRules, apiService('a/b', { group: 'b', version: 'a' }), clusterScoped)), ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
});

test('condition statuses are checked on update', () => {
  const old = apiService('v1.x.io', { group: 'x.io', version: 'v1' });
  const next = { ...old, status: { conditions: [{ type: 'Available', status: 'Maybe' }] } };
  assert.deepEqual(messages(validateUpdate(apiServiceRules, next, old, clusterScoped)), ['status.conditions[0].status: Unsupported value: "Maybe": supported values: "True", "False", "Unknown"']);
});
