import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from './errors.js';
import { base64ErrorOffset, checkTypes, DecodeError, findUnknownFields, strictDecodingError } from './validate-schema.js';

const pod = { group: '', version: 'v1', kind: 'Pod' };
const deployment = { group: 'apps', version: 'v1', kind: 'Deployment' };
const secret = { group: '', version: 'v1', kind: 'Secret' };

test('unknown fields are named by path, lists by index', () => {
  const found = findUnknownFields(pod, {
    apiVersion: 'v1', kind: 'Pod', bogus: 1,
    metadata: { name: 'p', labels: { anything: 'goes' }, nope: true },
    spec: { containers: [{ name: 'c', image: 'i' }, { name: 'd', image: 'i', extra: 'x', resources: { limits: { cpu: '1' } } }] },
  });
  assert.deepEqual(found, ['bogus', 'metadata.nope', 'spec.containers[1].extra']);
});

test('known fields, free-form maps, int-or-string and raw extensions pass', () => {
  assert.deepEqual(findUnknownFields(deployment, {
    spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, selector: { matchLabels: { a: 'b' } }, template: { spec: { containers: [] } } },
  }), []);
  assert.deepEqual(findUnknownFields({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, { data: { anything: { goes: 1 } } }), []);
  assert.deepEqual(findUnknownFields(deployment, { spec: { replicas: 1, foo: 2 } }), ['spec.foo']);
});

test('strict decoding error reads as upstream and is a 400', () => {
  const err = strictDecodingError(deployment, ['spec.foo', 'spec.bar']);
  assert.ok(err instanceof BadRequestError);
  assert.equal(err.code, 400);
  assert.equal(err.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"');
});

test('a string where a list belongs names the Go struct field and type', () => {
  const err = checkTypes(pod, { metadata: { name: 'p' }, spec: { containers: 'nginx' } });
  assert.ok(err instanceof DecodeError);
  assert.equal(err.message, 'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container');
});

test('type errors: scalars, map values, list items, nested structs; indexes and map keys are not in the path', () => {
  const msg = (gvk: typeof pod, obj: unknown) => checkTypes(gvk, obj)?.detail;
  assert.equal(msg(deployment, { spec: { replicas: '3' } }), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(msg(deployment, { spec: { replicas: 1.5 } }), 'json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32');
  assert.equal(msg(pod, { metadata: { labels: { app: 1 } } }), 'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string');
  assert.equal(msg(pod, { spec: { containers: [{ name: 'c' }, 'x'] } }), 'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type v1.Container');
  assert.equal(msg(pod, { spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } }),
    'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32');
  assert.equal(msg(pod, { spec: { hostNetwork: 'yes' } }), 'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool');
  assert.equal(msg(pod, { spec: 'x' }), 'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec');
  assert.equal(msg(pod, { metadata: [] }), 'json: cannot unmarshal array into Go struct field Pod.metadata of type v1.ObjectMeta');
  assert.equal(msg(pod, [1]), 'json: cannot unmarshal array into Go value of type v1.Pod');
});

test('the first type mismatch is reported, but a failing quantity stops decoding at once', () => {
  assert.match(checkTypes(deployment, { spec: { replicas: 'a', minReadySeconds: 'b' } })!.detail, /spec\.replicas /);
  const quantityLast = { spec: { hostNetwork: 'yes', containers: [{ name: 'c', resources: { limits: { cpu: 'lots' } } }] } };
  assert.equal(checkTypes(pod, quantityLast)!.detail, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
});

test('valid objects, quantities, int-or-string, times, nulls and free-form fields pass', () => {
  assert.equal(checkTypes(pod, {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', labels: { a: 'b' }, creationTimestamp: null, managedFields: [{ fieldsV1: { 'f:spec': {} } }] },
    spec: {
      containers: [{
        name: 'c', image: 'i', ports: [{ containerPort: 80 }],
        resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: 0.5, 'nvidia.com/gpu': 1 } },
        livenessProbe: { httpGet: { port: 'http', path: '/' } }, readinessProbe: { tcpSocket: { port: 8080 } },
      }],
      terminationGracePeriodSeconds: null,
    },
  }), undefined);
  assert.equal(checkTypes({ group: 'batch', version: 'v1', kind: 'Job' }, { status: { startTime: '2024-01-01T00:00:00Z' } }), undefined);
  assert.equal(checkTypes({ group: 'apps', version: 'v1', kind: 'ControllerRevision' }, { data: [1, 'x'] }), undefined);
  assert.equal(checkTypes({ group: 'x', version: 'v1', kind: 'Nope' }, { spec: 1 }), undefined);
});

test('quantity, int-or-string and time errors follow their custom decoders', () => {
  const limits = (cpu: unknown) => checkTypes(pod, { spec: { containers: [{ resources: { limits: { cpu } } }] } })?.detail;
  assert.equal(limits('1ki'), "unable to parse quantity's suffix");
  assert.match(limits(true)!, /^quantities must match/);
  assert.equal(limits('2e3'), undefined);
  assert.equal(checkTypes(deployment, { spec: { strategy: { rollingUpdate: { maxSurge: true } } } })!.detail,
    'json: cannot unmarshal bool into Go struct field RollingUpdateDeployment.spec.strategy.rollingUpdate.maxSurge of type int32');
  assert.equal(checkTypes(pod, { metadata: { creationTimestamp: 5 } })!.detail,
    'json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string');
});

test('secret data must be base64, reported at Go decoder offsets', () => {
  assert.equal(checkTypes(secret, { data: { ok: 'aGVsbG8=' } }), undefined);
  assert.equal(checkTypes(secret, { data: { pw: 'hello' } })!.message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 4');
  assert.equal(checkTypes(secret, { stringData: { pw: 'hello' } }), undefined);
  assert.equal(base64ErrorOffset('aGVs\nbG8='), undefined);
  assert.equal(base64ErrorOffset('hello world'), 5);
  assert.equal(base64ErrorOffset('aGVsbG8'), 4);
  assert.equal(base64ErrorOffset('aGVsbA=='), undefined);
  assert.equal(base64ErrorOffset('aGVsbA='), 7);
  assert.equal(base64ErrorOffset('aGVsbA==x'), 8);
  assert.equal(base64ErrorOffset('a==='), 1);
  assert.equal(base64ErrorOffset(''), undefined);
});
