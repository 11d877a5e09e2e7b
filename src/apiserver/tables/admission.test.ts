import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columns, row } from './testing.js';

const group = 'admissionregistration.k8s.io';

test('webhook configurations count their webhooks', () => {
  assert.deepEqual(columns(group, 'validatingwebhookconfigurations'), ['Name:string:name:0', 'Webhooks:integer::0', 'Age:string::0']);
  assert.equal(row(group, 'mutatingwebhookconfigurations', { metadata: { name: 'm' }, webhooks: [{ name: 'a' }, { name: 'b' }] }).Webhooks, 2);
});

test('validating admission policies and bindings', () => {
  const policy = row(group, 'validatingadmissionpolicies', { metadata: { name: 'p' }, spec: { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'true' }] } });
  assert.deepEqual([policy.Validations, policy.ParamKind], [1, 'v1/ConfigMap']);
  const binding = (paramRef?: object) => row(group, 'validatingadmissionpolicybindings', { metadata: { name: 'b' }, spec: { policyName: 'p', paramRef } }).ParamRef;
  assert.equal(binding(), '<unset>');
  assert.equal(binding({ name: 'limits', namespace: 'ns' }), 'ns/limits');
  assert.equal(binding({ name: 'limits' }), '*/limits');
  assert.equal(binding({ selector: { matchLabels: { env: 'prod' } } }), '&LabelSelector{MatchLabels:map[string]string{env: prod,},MatchExpressions:[]LabelSelectorRequirement{},}');
});
