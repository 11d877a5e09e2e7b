import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admissionDefaults } from '../defaults/admissionregistration.js';
import { validateCreate, validateUpdate } from './index.js';
import { clusterScoped, defaulted, messages } from './testing.js';
import { webhookConfigurationRules } from './webhook-configurations.js';
import type { Obj } from './types.js';

const hook = (extra: Obj = {}): Obj => ({
  name: 'deny.k8ts.test',
  clientConfig: { url: 'https://127.0.0.1:8443/deny' },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...extra,
});
const config = (hooks: Obj[]) => defaulted(admissionDefaults.ValidatingWebhookConfiguration, { webhooks: hooks }, null);
const errors = (hooks: Obj[], mutating = false) => messages(validateCreate(webhookConfigurationRules(mutating), config(hooks), clusterScoped));

test('a well-formed webhook configuration is valid', () => {
  assert.deepEqual(errors([hook()]), []);
  assert.deepEqual(errors([hook({ clientConfig: { service: { namespace: 'ns', name: 'svc', path: '/a/b-c' } } })]), []);
});

test('webhook names are fully qualified and unique', () => {
  assert.deepEqual(errors([hook({ name: 'deny' })]), ['webhooks[0].name: Invalid value: "deny": should be a domain with at least three segments separated by dots']);
  assert.deepEqual(errors([hook({ name: '' })]), ['webhooks[0].name: Required value']);
  assert.deepEqual(errors([hook(), hook()]), ['webhooks[1].name: Duplicate value: "deny.k8ts.test"']);
});

test('policies, timeouts and sideEffects as upstream', () => {
  assert.deepEqual(errors([hook({ failurePolicy: 'Maybe', matchPolicy: 'Loose', timeoutSeconds: 31 })]), [
    'webhooks[0].failurePolicy: Unsupported value: "Maybe": supported values: "Fail", "Ignore"',
    'webhooks[0].matchPolicy: Unsupported value: "Loose": supported values: "Equivalent", "Exact"',
    'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
  ]);
  assert.deepEqual(errors([hook({ sideEffects: undefined })]), ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']);
  assert.deepEqual(errors([hook({ sideEffects: 'Some' })]), ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']);
  assert.deepEqual(errors([hook({ reinvocationPolicy: 'Always' })], true), ['webhooks[0].reinvocationPolicy: Unsupported value: "Always": supported values: "IfNeeded", "Never"']);
});

test('rules: operations, groups, versions, resources and scope', () => {
  const rule = (r: Obj) => errors([hook({ rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], ...r }] })]);
  assert.deepEqual(rule({ operations: ['*', 'CREATE'] }), ['webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{"*", "CREATE"}: if \'*\' is present, must not specify other operations']);
  assert.deepEqual(rule({ operations: ['PATCH'] }), ['webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"']);
  assert.deepEqual(rule({ apiGroups: [] }), ['webhooks[0].rules[0].apiGroups: Required value']);
  assert.deepEqual(rule({ apiVersions: ['v1', ''] }), ['webhooks[0].rules[0].apiVersions[1]: Required value']);
  assert.deepEqual(rule({ resources: ['pods/*', 'pods/status'] }), ['webhooks[0].rules[0].resources[1]: Invalid value: "pods/status": if \'pods/*\' is present, must not specify pods/status']);
  assert.deepEqual(rule({ resources: ['*', 'pods'] }), ['webhooks[0].rules[0].resources: Invalid value: []string{"*", "pods"}: if \'*\' is present, must not specify other resources without subresources']);
  assert.deepEqual(rule({ resources: ['*', 'pods/status'] }), []);
  assert.deepEqual(rule({ scope: 'Everywhere' }), ['webhooks[0].rules[0].scope: Unsupported value: "Everywhere": supported values: "*", "Cluster", "Namespaced"']);
});

test('clientConfig: exactly one of url (https, no query/fragment/user) or service', () => {
  assert.deepEqual(errors([hook({ clientConfig: {} })]), ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']);
  assert.deepEqual(errors([hook({ clientConfig: { url: 'http://h/x?a=1#f' } })]), [
    'webhooks[0].clientConfig.url: Invalid value: "http": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
    'webhooks[0].clientConfig.url: Invalid value: "f": fragments are not permitted in the URL',
    'webhooks[0].clientConfig.url: Invalid value: "a=1": query parameters are not permitted in the URL',
  ]);
  assert.deepEqual(errors([hook({ clientConfig: { url: 'webhook/path' } })]), [
    'webhooks[0].clientConfig.url: Invalid value: "": \'https\' is the only allowed URL scheme; desired format: https://host[/path]',
    'webhooks[0].clientConfig.url: Invalid value: "": host must be specified; desired format: https://host[/path]',
  ]);
  assert.deepEqual(errors([hook({ clientConfig: { url: 'https://user:pw@h' } })]), ['webhooks[0].clientConfig.url: Invalid value: "user:pw": user information is not permitted in the URL']);
  assert.deepEqual(errors([hook({ clientConfig: { url: '://h' } })]), ['webhooks[0].clientConfig.url: Required value: url must be a valid URL: parse "://h": missing protocol scheme; desired format: https://host[/path]']);
  assert.deepEqual(errors([hook({ clientConfig: { service: { namespace: 'ns', name: 'svc', path: 'x//Y', port: 70000 } } })]), [
    'webhooks[0].clientConfig.service.port: Invalid value: 70000: port is not valid: must be between 1 and 65535, inclusive',
    'webhooks[0].clientConfig.service.path: Invalid value: "x//Y": must start with a \'/\'',
    'webhooks[0].clientConfig.service.path: Invalid value: "x//Y": segment[0] may not be empty',
    'webhooks[0].clientConfig.service.path: Invalid value: "x//Y": segment[1] may not be empty',
    'webhooks[0].clientConfig.service.path: Invalid value: "x//Y": segment[2]: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
  ]);
});

test('admissionReviewVersions must name a known version, unless the stored object already did not', () => {
  assert.deepEqual(errors([hook({ admissionReviewVersions: [] })]), ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']);
  assert.deepEqual(errors([hook({ admissionReviewVersions: ['v2', 'v2'] })]), [
    'webhooks[0].admissionReviewVersions[1]: Invalid value: "v2": duplicate version',
    'webhooks[0].admissionReviewVersions: Invalid value: []string{...}: must include at least one of v1, v1beta1',
  ]);
  const old = config([hook({ admissionReviewVersions: ['v2'] })]);
  const next = config([hook({ admissionReviewVersions: ['v3'] })]);
  assert.deepEqual(messages(validateUpdate(webhookConfigurationRules(false), next, old, clusterScoped)), []);
});

test('matchConditions: names qualified and unique, expressions required and compiled with the webhook variables', () => {
  assert.deepEqual(errors([hook({ matchConditions: [{ name: 'ok', expression: "request.userInfo.username != 'system:admin' && object.metadata.name != ''" }] })]), []);
  assert.deepEqual(errors([hook({ matchConditions: [{ name: 'params', expression: 'params.x' }] })]), [
    'webhooks[0].matchConditions[0].expression: Invalid value: "params.x": compilation failed: ERROR: <input>:1:1: undeclared reference to \'params\' (in container \'\')\n | params.x\n | ^',
  ]);
  assert.deepEqual(errors([hook({ matchConditions: [{ name: 'a', expression: 'true' }, { name: 'a', expression: ' ' }, { name: 'b/c/d', expression: 'true' }] })]), [
    'webhooks[0].matchConditions[1].expression: Required value',
    'webhooks[0].matchConditions[1].name: Duplicate value: "a"',
    'webhooks[0].matchConditions[2].name: Invalid value: "b/c/d": a qualified name must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')',
  ]);
});
