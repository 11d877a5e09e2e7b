import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typeCheckPolicy, typesToCheck } from './admission-policy-typecheck.js';

const rules = (resources: string[], apiGroups = ['apps'], apiVersions = ['v1']) => ({ matchConstraints: { resourceRules: [{ apiGroups, apiVersions, resources }] } });

test('the kinds checked are the explicit resources of the rules, sorted', () => {
  assert.deepEqual(typesToCheck({ spec: rules(['statefulsets', 'deployments', 'deployments/scale']) }), [
    { group: 'apps', version: 'v1', kind: 'Deployment' },
    { group: 'apps', version: 'v1', kind: 'StatefulSet' },
  ]);
  assert.deepEqual(typesToCheck({ spec: rules(['*']) }), []);
  assert.deepEqual(typesToCheck({ spec: rules(['deployments'], ['*']) }), []);
  assert.deepEqual(typesToCheck({ spec: rules(['nosuch']) }), []);
});

test('an undefined field is a warning per kind in cel-go\'s words', () => {
  const warnings = typeCheckPolicy({ spec: { ...rules(['deployments', 'replicasets']), validations: [{ expression: 'object.replicas > 1' }, { expression: 'object.spec.replicas > 1', messageExpression: "'bad ' + object.spec.templat.metadata.name" }] } });
  assert.deepEqual(warnings, [
    {
      fieldRef: 'spec.validations[0].expression',
      warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n\napps/v1, Kind=ReplicaSet: ERROR: <input>:1:7: undefined field 'replicas'\n | object.replicas > 1\n | ......^\n",
    },
    {
      fieldRef: 'spec.validations[1].messageExpression',
      warning: "apps/v1, Kind=Deployment: ERROR: <input>:1:21: undefined field 'templat'\n | 'bad ' + object.spec.templat.metadata.name\n | ....................^\n\napps/v1, Kind=ReplicaSet: ERROR: <input>:1:21: undefined field 'templat'\n | 'bad ' + object.spec.templat.metadata.name\n | ....................^\n",
    },
  ]);
});

test('lists, maps, comprehensions, has() and params are typed; free-form fields are not checked', () => {
  const ok = (expression: string, extra: object = {}) => assert.deepEqual(typeCheckPolicy({ spec: { ...rules(['pods'], [''], ['v1']), validations: [{ expression }], ...extra } }), [], expression);
  ok("object.spec.containers.all(c, c.image != '' && c.ports.all(p, p.containerPort > 0))");
  ok("object.metadata.labels['app'] == 'x' && has(object.metadata.annotations)");
  ok("object.spec.containers[0].resources.limits['cpu'] == '1'");
  ok("object.spec.containers.map(c, c.name).size() > 0 && variables.x == 1 || request.whatever");
  ok("params.data.max == '1'", { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' } });
  const bad = typeCheckPolicy({ spec: { ...rules(['pods'], [''], ['v1']), paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: "object.spec.containers.exists(c, has(c.imag)) || params.date.x == 1" }] } });
  assert.equal(bad.length, 1);
  assert.match(bad[0]!.warning, /^\/v1, Kind=Pod: ERROR: <input>:1:34: undefined field 'imag'\n[^]*ERROR: <input>:1:56: undefined field 'date'/);
});
