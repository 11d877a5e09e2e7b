import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admissionDefaults } from '../defaults/admissionregistration.js';
import { admissionPolicyRules } from './admission-policy.js';
import { validateCreate } from './index.js';
import { clusterScoped, defaulted, messages } from './testing.js';

const rules = [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }];
const policy = (spec: object, name = 'p.example.com') =>
  messages(validateCreate(admissionPolicyRules.ValidatingAdmissionPolicy, defaulted(admissionDefaults.ValidatingAdmissionPolicy, { metadata: { name }, spec }, null), clusterScoped));
const binding = (spec: object) =>
  messages(validateCreate(admissionPolicyRules.ValidatingAdmissionPolicyBinding, defaulted(admissionDefaults.ValidatingAdmissionPolicyBinding, { metadata: { name: 'b' }, spec }, null), clusterScoped));

test('a well-formed policy with params, variables, messageExpression and audit annotations is valid', () => {
  assert.deepEqual(policy({
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: { resourceRules: rules },
    variables: [{ name: 'replicas', expression: 'object.spec.replicas' }],
    validations: [{ expression: 'variables.replicas <= int(params.data.max)', messageExpression: "'too many: ' + string(variables.replicas)", reason: 'Forbidden' }],
    auditAnnotations: [{ key: 'replicas', valueExpression: 'string(object.spec.replicas)' }],
    matchConditions: [{ name: 'not-system', expression: "!request.userInfo.username.startsWith('system:')" }],
  }), []);
});

test('expressions are compiled at create, with upstream\'s declarations', () => {
  assert.deepEqual(policy({ matchConstraints: { resourceRules: rules }, validations: [{ expression: 'object.spec.replicas <= params.max' }] }), [
    "spec.validations[0].expression: Invalid value: \"object.spec.replicas <= params.max\": compilation failed: ERROR: <input>:1:25: undeclared reference to 'params' (in container '')\n | object.spec.replicas <= params.max\n | ........................^",
  ]);
  // The message expression has no authorizer.
  assert.match(policy({ matchConstraints: { resourceRules: rules }, validations: [{ expression: 'true', messageExpression: "authorizer.path('/').check('get').reason()" }] })[0]!, /^spec\.validations\[0\]\.messageExpression: Invalid value: .*undeclared reference to 'authorizer'/);
  assert.match(policy({ matchConstraints: { resourceRules: rules }, validations: [{ expression: 'object.spec. ==' }] })[0]!, /compilation failed: ERROR: <input>:1:\d+: Syntax error/);
  // `variables` exists only when the policy has variables.
  assert.match(policy({ matchConstraints: { resourceRules: rules }, validations: [{ expression: 'variables.x' }] })[0]!, /undeclared reference to 'variables'/);
});

test('policy structure errors as upstream', () => {
  assert.deepEqual(policy({}), [
    'spec.matchConstraints: Required value',
    'spec.validations: Required value: validations or auditAnnotations must contain at least one item',
    'spec.auditAnnotations: Required value: validations or auditAnnotations must contain at least one item',
  ]);
  assert.deepEqual(policy({ failurePolicy: 'Sometimes', matchConstraints: {}, validations: [{ expression: ' ', message: 'a\nb', reason: 'Teapot' }] }), [
    'spec.failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"',
    'spec.matchConstraints.resourceRules: Required value',
    'spec.validations[0].expression: Required value: expression is not specified',
    'spec.validations[0].message: Invalid value: "a\\nb": message must not contain line breaks',
    'spec.validations[0].reason: Unsupported value: "Teapot": supported values: "Forbidden", "Invalid", "RequestEntityTooLarge"',
  ]);
  assert.deepEqual(policy({ paramKind: { apiVersion: 'a/b/c', kind: 'Not_Valid' }, matchConstraints: { resourceRules: [{ apiGroups: ['*', 'apps'], apiVersions: [], operations: ['CREATE', 'PATCH'], resources: ['*', 'pods'] }] }, validations: [{ expression: 'true' }] }), [
    'spec.paramKind.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
    'spec.paramKind.kind: Invalid value: "Not_Valid": may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\')',
    'spec.matchConstraints.resourceRules[0].operations[1]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"',
    'spec.matchConstraints.resourceRules[0].apiGroups: Invalid value: []string{"*", "apps"}: if \'*\' is present, must not specify other API groups',
    'spec.matchConstraints.resourceRules[0].apiVersions: Required value',
    'spec.matchConstraints.resourceRules[0].resources: Invalid value: []string{"*", "pods"}: if \'*\' is present, must not specify other resources without subresources',
  ]);
  assert.deepEqual(policy({ matchConstraints: { resourceRules: rules }, variables: [{ name: 'in', expression: '1' }], auditAnnotations: [{ key: 'k', valueExpression: '' }, { key: 'k', valueExpression: "'v'" }] }), [
    'spec.variables[0].name: Invalid value: "in": name is not a valid CEL identifier',
    'spec.auditAnnotations[0].valueExpression: Required value: valueExpression is not specified',
    'spec.auditAnnotations[1].key: Duplicate value: "k"',
  ]);
});

test('binding errors as upstream', () => {
  assert.deepEqual(binding({ policyName: 'p', validationActions: ['Deny'] }), []);
  assert.deepEqual(binding({ policyName: 'p', validationActions: ['Deny', 'Audit'], paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' }, matchResources: { namespaceSelector: { matchLabels: { env: 'test' } } } }), []);
  assert.deepEqual(binding({}), [
    'spec.policyName: Required value',
    'spec.validationActions: Required value: at least one validation action is required',
  ]);
  assert.deepEqual(binding({ policyName: 'p', validationActions: ['Deny', 'Warn', 'Deny', 'Shout'], paramRef: { name: 'a', selector: {} } }), [
    'spec.paramRef.name: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.selector: Forbidden: name and selector are mutually exclusive',
    'spec.paramRef.parameterNotFoundAction: Required value',
    'spec.validationActions[2]: Duplicate value: "Deny"',
    'spec.validationActions[3]: Unsupported value: "Shout": supported values: "Audit", "Deny", "Warn"',
    'spec.validationActions: Invalid value: []admissionregistration.ValidationAction{"Deny", "Warn", "Deny", "Shout"}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
  ]);
  assert.deepEqual(binding({ policyName: 'p', validationActions: ['Warn'], paramRef: { parameterNotFoundAction: 'Maybe' } }), [
    'spec.paramRef: Required value: one of name or selector must be specified',
    'spec.paramRef.parameterNotFoundAction: Unsupported value: "Maybe": supported values: "Deny", "Allow"',
  ]);
});
