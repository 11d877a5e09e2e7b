// ValidatingAdmissionPolicy end to end with the real kubectl: a replica limit read from a
// ConfigMap param denies a Deployment with a messageExpression, a Warn binding makes kubectl print
// upstream's warning, a binding's namespaceSelector scopes a policy to labelled namespaces, and a
// policy whose expression does not compile is refused at create.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TestCluster, eventually } from './harness.js';

const replicaLimit = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit.example.com
spec:
  failurePolicy: Fail
  paramKind:
    apiVersion: v1
    kind: ConfigMap
  matchConstraints:
    resourceRules:
    - apiGroups: ["apps"]
      apiVersions: ["v1"]
      operations: ["CREATE", "UPDATE"]
      resources: ["deployments"]
  validations:
  - expression: "object.spec.replicas <= int(params.data.maxReplicas)"
    messageExpression: "'replicas must be no greater than ' + params.data.maxReplicas + ', got ' + string(object.spec.replicas)"
    reason: Forbidden
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit-binding
spec:
  policyName: replica-limit.example.com
  validationActions: [Deny]
  paramRef:
    name: replica-limit
    namespace: limits
    parameterNotFoundAction: Deny
`;

const teamLabel = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: team-label.example.com
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["configmaps"]
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: configmaps should carry a team label
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: team-label-warn
spec:
  policyName: team-label.example.com
  validationActions: [Warn]
  matchResources:
    namespaceSelector:
      matchLabels:
        policy: warn
`;

const noLatest = `
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-latest.example.com
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: ["v1"]
      operations: ["CREATE"]
      resources: ["pods"]
  validations:
  - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
    message: images must not use the latest tag
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: no-latest-in-test
spec:
  policyName: no-latest.example.com
  validationActions: [Deny]
  matchResources:
    namespaceSelector:
      matchLabels:
        environment: test
`;

const latestPod = (name: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'k8ts.local/busybox:latest' }] } });

describe('ValidatingAdmissionPolicy with kubectl', () => {
  let c: TestCluster;

  before(async () => {
    c = await TestCluster.start();
  });

  after(async () => {
    await c?.stop();
  });

  test('a replica limit from a ConfigMap param denies a Deployment with the messageExpression', async () => {
    await c.k(['create', 'namespace', 'limits']);
    await c.k(['-n', 'limits', 'create', 'configmap', 'replica-limit', '--from-literal=maxReplicas=3']);
    await c.k(['apply', '-f', '-'], replicaLimit);
    // Policies take effect once the server's caches have them, as upstream's informers.
    const denied = await eventually(async () => {
      const r = await c.kubectl(['create', 'deployment', 'web', '--image=k8ts.local/busybox:1', '--replicas=6', '--dry-run=server']);
      return r.code !== 0 && r;
    }, 30_000, 'the policy to deny');
    assert.match(denied.stderr, /deployments\.apps "web" is forbidden: ValidatingAdmissionPolicy 'replica-limit\.example\.com' with binding 'replica-limit-binding' denied request: replicas must be no greater than 3, got 6/);

    const real = await c.kubectl(['create', 'deployment', 'web', '--image=k8ts.local/busybox:1', '--replicas=6']);
    assert.notEqual(real.code, 0);
    assert.match(real.stderr, /denied request: replicas must be no greater than 3, got 6/);
    assert.notEqual((await c.kubectl(['get', 'deployment', 'web'])).code, 0, 'the denied Deployment was not stored');

    await c.k(['create', 'deployment', 'web', '--image=k8ts.local/busybox:1', '--replicas=2']);
    // An update of the Deployment itself (UPDATE matches the rule; the scale subresource would need
    // deployments/scale in the rules, as upstream).
    const patched = await c.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":4}}']);
    assert.notEqual(patched.code, 0);
    assert.match(patched.stderr, /replicas must be no greater than 3, got 4/);

    // Raising the limit in the ConfigMap applies to the next request.
    await c.k(['-n', 'limits', 'patch', 'configmap', 'replica-limit', '-p', '{"data":{"maxReplicas":"5"}}']);
    await eventually(async () => (await c.kubectl(['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":4}}'])).code === 0, 30_000, 'the raised limit');
  });

  test('a Warn binding makes kubectl print upstream\'s warning and lets the request through', async () => {
    await c.k(['create', 'namespace', 'warned']);
    await c.k(['label', 'namespace', 'warned', 'policy=warn']);
    await c.k(['apply', '-f', '-'], teamLabel);
    const warned = await eventually(async () => {
      const r = await c.kubectl(['-n', 'warned', 'create', 'configmap', `probe-${Date.now()}`, '--dry-run=server']);
      return r.code === 0 && r.stderr.includes('Warning:') && r;
    }, 30_000, 'the warning');
    assert.match(warned.stderr, /Warning: Validation failed for ValidatingAdmissionPolicy 'team-label\.example\.com' with binding 'team-label-warn': configmaps should carry a team label/);
    const created = await c.kubectl(['-n', 'warned', 'create', 'configmap', 'unlabelled']);
    assert.equal(created.code, 0);
    assert.match(created.stderr, /Warning: Validation failed for ValidatingAdmissionPolicy 'team-label\.example\.com'/);
    // Outside the selected namespaces there is no warning.
    const quiet = await c.kubectl(['create', 'configmap', 'elsewhere']);
    assert.equal(quiet.code, 0);
    assert.doesNotMatch(quiet.stderr, /Warning/);
  });

  test('a binding with a namespaceSelector applies only in the namespaces it selects', async () => {
    await c.k(['create', 'namespace', 'test-env']);
    await c.k(['label', 'namespace', 'test-env', 'environment=test']);
    await c.k(['create', 'namespace', 'prod-env']);
    await c.k(['label', 'namespace', 'prod-env', 'environment=prod']);
    await c.k(['apply', '-f', '-'], noLatest);
    const denied = await eventually(async () => {
      const r = await c.kubectl(['-n', 'test-env', 'create', '-f', '-', '--dry-run=server'], latestPod('latest'));
      return r.code !== 0 && r;
    }, 30_000, 'the policy to deny');
    // Without a reason the denial is Invalid (422), which kubectl prints from the Status's one cause.
    assert.match(denied.stderr, /The pods "latest" is invalid: : ValidatingAdmissionPolicy 'no-latest\.example\.com' with binding 'no-latest-in-test' denied request: images must not use the latest tag/);
    await c.k(['-n', 'prod-env', 'create', '-f', '-'], latestPod('latest'));
  });

  test('the status controller reports fields the matched kinds do not have in status.typeChecking', async () => {
    const typo = replicaLimit.split('---')[0]!.replace('replica-limit.example.com', 'typo.example.com').replace('object.spec.replicas <=', 'object.spec.replicaz <=');
    await c.k(['apply', '-f', '-'], typo);
    const status = await eventually(async () => {
      const p = JSON.parse(await c.k(['get', 'validatingadmissionpolicies', 'typo.example.com', '-o', 'json'])) as { metadata: { generation: number }; status?: { observedGeneration?: number; typeChecking?: { expressionWarnings?: { fieldRef: string; warning: string }[] } } };
      return p.status?.observedGeneration === p.metadata.generation && p.status;
    }, 30_000, 'the policy status');
    assert.deepEqual(status.typeChecking?.expressionWarnings?.map(w => w.fieldRef), ['spec.validations[0].expression']);
    assert.match(status.typeChecking!.expressionWarnings![0]!.warning, /^apps\/v1, Kind=Deployment: ERROR: <input>:1:12: undefined field 'replicaz'\n \| object\.spec\.replicaz <= int\(params\.data\.maxReplicas\)\n \| \.{11}\^/);
    // The policy without typos checks clean.
    const clean = JSON.parse(await c.k(['get', 'validatingadmissionpolicies', 'replica-limit.example.com', '-o', 'json'])) as { status?: { typeChecking?: object } };
    assert.deepEqual(clean.status?.typeChecking, {});
  });

  test('a policy whose expression does not compile is refused at create', async () => {
    const bad = replicaLimit.split('---')[0]!.replace('replica-limit.example.com', 'bad.example.com').replace('int(params.data.maxReplicas)', 'int(parms.data.maxReplicas)');
    const r = await c.kubectl(['apply', '-f', '-'], bad);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ValidatingAdmissionPolicy.*"bad\.example\.com" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <= int\(parms\.data\.maxReplicas\)": compilation failed: ERROR: <input>:1:29: undeclared reference to 'parms'/);
  });
});
