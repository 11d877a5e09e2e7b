// CustomResourceDefinitions against a real `k8ts server` with the real kubectl: a CRD becomes
// established and its custom resources are served at once — tables from printer columns,
// subresources (status, scale), every patch type kubectl uses (strategic merge refused as upstream),
// server-side apply, edit, explain, watch, categories, selectable fields, two versions with a
// deprecated one, name conflicts between CRDs, and deleting a CRD deletes its objects first.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';
import { untilWatchIsLive } from './support/watch-live.js';

const WIDGETS = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
  versions:
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
  - name: v1
    served: true
    storage: true
    subresources:
      status: {}
      scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas, labelSelectorPath: .status.selector}
    selectableFields:
    - jsonPath: .spec.color
    additionalPrinterColumns:
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Color, type: string, jsonPath: .spec.color, priority: 1}
    - {name: Ready, type: string, jsonPath: '.status.conditions[?(@.type=="Ready")].status'}
    - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    schema:
      openAPIV3Schema:
        type: object
        description: A Widget is a test kind.
        properties:
          spec:
            type: object
            description: What the widget should be.
            x-kubernetes-validations:
            - {rule: "self.replicas <= 100", message: "replicas must be at most 100"}
            properties:
              replicas: {type: integer, minimum: 0, description: How many.}
              color: {type: string, description: Its colour.}
              size: {type: string, default: small, enum: [small, large]}
              mode:
                type: string
                x-kubernetes-validations:
                - {rule: "self == oldSelf", message: "mode is immutable"}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              conditions:
                type: array
                items:
                  type: object
                  properties:
                    type: {type: string}
                    status: {type: string}
`;

const widget = (name: string, color: string, replicas = 1) => `
apiVersion: example.com/v1
kind: Widget
metadata: {name: ${name}, labels: {app: demo}}
spec: {replicas: ${replicas}, color: ${color}}
`;

describe('CustomResourceDefinitions', () => {
  const s = suiteCluster({ scratch: 'k8ts-crd-' });

  test('a CRD is established with its names and storage version; its kind is served at once', async () => {
    assert.match(await s.c.k(['apply', '-f', '-'], WIDGETS), /customresourcedefinition.apiextensions.k8s.io\/widgets.example.com created/);
    await s.c.k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=20s']);
    const crd = JSON.parse(await s.c.k(['get', 'crd', 'widgets.example.com', '-o', 'json']));
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    assert.equal(crd.status.acceptedNames.kind, 'Widget');
    assert.deepEqual(crd.status.acceptedNames.shortNames, ['wd']);
    const names = crd.status.conditions.find((c: { type: string }) => c.type === 'NamesAccepted');
    assert.equal(names.reason, 'NoConflicts');
    assert.match(await s.c.k(['get', 'crds']), /^NAME\s+CREATED AT\nwidgets\.example\.com\s+\d{4}-\d\d-\d\dT/);

    const resources = await s.c.k(['api-resources', '--api-group=example.com']);
    assert.match(resources, /widgets\s+wd\s+example\.com\/v1\s+true\s+Widget/);
    assert.match(await s.c.k(['create', '-f', '-'], widget('w1', 'blue', 2)), /widget.example.com\/w1 created/);
  });

  test('tables follow the printer columns; -o wide adds priority 1; describe; categories reach get all', async () => {
    const table = await s.c.k(['get', 'widgets']);
    // A path that finds nothing is an empty cell.
    assert.match(table, /^NAME\s+REPLICAS\s+READY\s+AGE\nw1\s+2\s+\d+s\n$/);
    assert.match(await s.c.k(['get', 'wd', '-o', 'wide']), /^NAME\s+REPLICAS\s+COLOR\s+READY\s+AGE\nw1\s+2\s+blue\s+\d+s\n$/);
    assert.match(await s.c.k(['describe', 'widget', 'w1']), /Kind:\s+Widget[\s\S]*Spec:\n\s+Color:\s+blue\n\s+Replicas:\s+2/);
    assert.match(await s.c.k(['get', 'all']), /widget\.example\.com\/w1\s+2/);
  });

  test('the schema defaults, prunes (or refuses, with strict validation) unknown fields, and validates with CEL', async () => {
    const withExtra = widget('wv', 'blue').replace('color: blue}', 'color: blue, mode: fast, extra: 1}');
    const strict = await s.c.kubectl(['create', '-f', '-'], withExtra);
    assert.match(strict.stderr, /Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec\.extra"/);
    await s.c.k(['create', '--validate=false', '-f', '-'], withExtra);
    const spec = JSON.parse(await s.c.k(['get', 'widget', 'wv', '-o', 'jsonpath={.spec}']));
    assert.deepEqual(spec, { replicas: 1, color: 'blue', mode: 'fast', size: 'small' }, 'extra pruned, size defaulted');

    const rule = await s.c.kubectl(['patch', 'widget', 'wv', '--type', 'merge', '-p', '{"spec":{"replicas":200}}']);
    assert.match(rule.stderr, /The Widget "wv" is invalid: spec: Invalid value: "object": replicas must be at most 100/);
    const transition = await s.c.kubectl(['patch', 'widget', 'wv', '--type', 'merge', '-p', '{"spec":{"mode":"slow"}}']);
    assert.match(transition.stderr, /spec\.mode: Invalid value: "string": mode is immutable/);
    const schema = await s.c.kubectl(['patch', 'widget', 'wv', '--type', 'merge', '-p', '{"spec":{"size":"huge","replicas":-1}}']);
    assert.match(schema.stderr, /spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0/);
    assert.match(schema.stderr, /spec\.size: Unsupported value: "huge": supported values: "small", "large"/);
    await s.c.k(['delete', 'widget', 'wv']);
  });

  test('patches: merge and json apply, strategic merge is refused as upstream; status only through /status', async () => {
    await s.c.k(['patch', 'widget', 'w1', '--type', 'merge', '-p', '{"spec":{"color":"red"},"status":{"replicas":9}}']);
    await s.c.k(['patch', 'widget', 'w1', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/replicas","value":3}]']);
    const w = JSON.parse(await s.c.k(['get', 'widget', 'w1', '-o', 'json']));
    assert.deepEqual(w.spec, { replicas: 3, color: 'red', size: 'small' });
    assert.equal(w.status, undefined, 'status is not written through the main resource');
    assert.equal(w.metadata.generation, 3);

    const smp = await s.c.kubectl(['patch', 'widget', 'w1', '-p', '{"spec":{"color":"green"}}']);
    assert.notEqual(smp.code, 0);
    assert.match(smp.stderr, /application\/strategic-merge-patch\+json is not supported by example\.com\/v1, Kind=Widget: the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, application\/merge-patch\+json, application\/apply-patch\+yaml/);

    await s.c.k(['patch', 'widget', 'w1', '--subresource', 'status', '--type', 'merge', '-p', '{"status":{"replicas":3,"selector":"app=demo","conditions":[{"type":"Ready","status":"True"}]}}']);
    assert.match(await s.c.k(['get', 'widget', 'w1']), /w1\s+3\s+True\s+/);
    assert.equal(await s.c.k(['get', 'widget', 'w1', '-o', 'jsonpath={.metadata.generation}']), '3', 'a status write leaves generation');
  });

  test('scale works through the CRD\'s replica and selector paths', async () => {
    assert.match(await s.c.k(['scale', 'widget', 'w1', '--replicas=5']), /widget.example.com\/w1 scaled/);
    assert.equal(await s.c.k(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.replicas}']), '5');
    const scale = JSON.parse(await s.c.k(['get', '--raw', '/apis/example.com/v1/namespaces/default/widgets/w1/scale']));
    assert.deepEqual([scale.kind, scale.apiVersion, scale.spec.replicas, scale.status.replicas, scale.status.selector], ['Scale', 'autoscaling/v1', 5, 3, 'app=demo']);
  });

  test('server-side apply records field managers; edit goes through the editor', async () => {
    assert.match(await s.c.k(['apply', '--server-side', '--field-manager=tester', '--force-conflicts', '-f', '-'], widget('w1', 'purple', 5)), /serverside-applied/);
    const w = JSON.parse(await s.c.k(['get', 'widget', 'w1', '-o', 'json', '--show-managed-fields']));
    const mine = w.metadata.managedFields.find((m: { manager: string }) => m.manager === 'tester');
    assert.equal(mine.operation, 'Apply');
    assert.ok(mine.fieldsV1['f:spec']['f:color'], 'tester owns spec.color');

    const editor = join(s.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i "s/color: purple/color: orange/" "$1"\n');
    chmodSync(editor, 0o755);
    const r = await s.c.kubectl(['edit', 'widget', 'w1'], undefined, { EDITOR: editor, KUBE_EDITOR: editor });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /widget.example.com\/w1 edited/);
    assert.equal(await s.c.k(['get', 'widget', 'w1', '-o', 'jsonpath={.spec.color}']), 'orange');
  });

  test('explain reads the published schema (OpenAPI v3 and v2)', async () => {
    const v3 = await s.c.k(['explain', 'widget.spec']);
    assert.match(v3, /GROUP:\s+example\.com\nKIND:\s+Widget\nVERSION:\s+v1/);
    assert.match(v3, /color\t<string>\n\s+Its colour\./);
    const v2 = await s.c.k(['explain', 'widgets', '--output=plaintext-openapiv2']);
    assert.match(v2, /A Widget is a test kind\./);
  });

  test('label and selectable-field selectors', async () => {
    await s.c.k(['create', '-f', '-'], widget('w2', 'blue'));
    assert.equal(await s.c.k(['get', 'widgets', '--field-selector', 'spec.color=blue', '-o', 'name']), 'widget.example.com/w2\n');
    assert.equal(await s.c.k(['get', 'widgets', '--field-selector', 'metadata.name=w1', '-o', 'name']), 'widget.example.com/w1\n');
    assert.equal((await s.c.k(['get', 'widgets', '-l', 'app=demo', '-o', 'name'])).split('\n').filter(Boolean).length, 2);
    const bad = await s.c.kubectl(['get', 'widgets', '--field-selector', 'spec.size=1']);
    assert.match(bad.stderr, /field label not supported: spec\.size/);
  });

  test('a watch on a custom resource sees additions, changes and deletions', async () => {
    const [cmd, ...args] = s.c.kubectlCommand(['get', 'widgets', '--watch-only', '--output-watch-events', '-o', 'wide']);
    const watcher = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout.on('data', d => (out += d));
    try {
      await untilWatchIsLive(n => s.c.k(['annotate', 'widget', 'w1', `watch-probe=${n}`, '--overwrite']), () => /MODIFIED\s+w1\s/.test(out));
      await s.c.k(['create', '-f', '-'], widget('w3', 'teal'));
      await s.c.k(['patch', 'widget', 'w3', '--type', 'merge', '-p', '{"spec":{"color":"navy"}}']);
      await s.c.k(['delete', 'widget', 'w3']);
      await eventually(() => /DELETED\s+w3/.test(out), 30_000, 'the DELETED event');
      assert.match(out, /ADDED\s+w3\s+1\s+teal[\s\S]*MODIFIED\s+w3\s+1\s+navy[\s\S]*DELETED\s+w3/);
    } finally {
      watcher.kill('SIGTERM');
    }
  });

  test('a deprecated version warns, reads the same objects, and None conversion rewrites apiVersion', async () => {
    const r = await s.c.kubectl(['get', 'widgets.v1beta1.example.com', 'w2', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /Warning: example\.com\/v1beta1 Widget is deprecated/);
    const old = JSON.parse(r.stdout);
    assert.equal(old.apiVersion, 'example.com/v1beta1');
    assert.equal(old.spec.color, 'blue');

    // Written through v1beta1, stored as v1, read at both.
    const created = await s.c.kubectl(['create', '-f', '-'], widget('w4', 'gray').replace('example.com/v1', 'example.com/v1beta1'));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(await s.c.k(['get', 'widgets.v1.example.com', 'w4', '-o', 'jsonpath={.apiVersion}']), 'example.com/v1');

    // The storage version moves to v1beta1: objects stored as v1 still read at both versions, new
    // ones are stored as v1beta1, and storedVersions lists both.
    await s.c.k(['patch', 'crd', 'widgets.example.com', '--type', 'json', '-p',
      '[{"op":"replace","path":"/spec/versions/0/storage","value":true},{"op":"replace","path":"/spec/versions/1/storage","value":false}]']);
    assert.equal(await s.c.k(['get', 'crd', 'widgets.example.com', '-o', 'jsonpath={.status.storedVersions}']), '["v1","v1beta1"]');
    await eventually(async () => (await s.c.k(['get', 'widgets.v1beta1.example.com', 'w2', '-o', 'jsonpath={.apiVersion} {.spec.color}'])) === 'example.com/v1beta1 blue', 30_000, 'w2 at v1beta1');
    assert.equal(await s.c.k(['get', 'widgets.v1.example.com', 'w2', '-o', 'jsonpath={.apiVersion} {.spec.color}']), 'example.com/v1 blue');
    await s.c.k(['create', '-f', '-'], widget('w6', 'white'));
    assert.equal(await s.c.k(['get', 'widgets.v1.example.com', 'w6', '-o', 'jsonpath={.apiVersion} {.spec.color}']), 'example.com/v1 white');
    assert.equal(await s.c.k(['get', 'widgets.v1beta1.example.com', 'w6', '-o', 'jsonpath={.apiVersion} {.spec.color}']), 'example.com/v1beta1 white');
  });

  test('an invalid CRD is refused with apiextensions validation', async () => {
    const r = await s.c.kubectl(['create', '-f', '-'], `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: bad.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {plural: things, kind: Thing}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /The CustomResourceDefinition "bad\.example\.com" is invalid: metadata\.name: Invalid value: "bad\.example\.com": must be spec\.names\.plural\+"\."\+spec\.group/);
  });

  test('a CRD whose names another CRD of the group has taken is not established', async () => {
    await s.c.k(['apply', '-f', '-'], `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {plural: gadgets, kind: Gadget, shortNames: [wd]}
  versions:
  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}
`);
    const conditions = await eventually(async () => {
      const crd = JSON.parse(await s.c.k(['get', 'crd', 'gadgets.example.com', '-o', 'json']));
      return crd.status.conditions?.length ? crd.status.conditions as { type: string; status: string; reason: string; message: string }[] : undefined;
    }, 10_000, 'conditions');
    const names = conditions.find(c => c.type === 'NamesAccepted')!;
    assert.deepEqual([names.status, names.reason, names.message], ['False', 'ShortNamesConflict', '"wd" is already in use']);
    const established = conditions.find(c => c.type === 'Established')!;
    assert.deepEqual([established.status, established.reason], ['False', 'NotAccepted']);
    const r = await s.c.kubectl(['get', 'gadgets']);
    assert.match(r.stderr, /the server doesn't have a resource type "gadgets"/);
  });

  test('RBAC authorizes custom resources like any resource', async () => {
    await s.c.k(['create', 'role', 'widget-reader', '--verb=get,list', '--resource=widgets.example.com']);
    await s.c.k(['create', 'rolebinding', 'jane-reads-widgets', '--role=widget-reader', '--user=jane']);
    await eventually(async () => (await s.c.kubectl(['get', 'widgets', '--as=jane', '-o', 'name'])).code === 0, 30_000, 'jane may list widgets');
    const denied = await s.c.kubectl(['delete', 'widget', 'w2', '--as=jane']);
    assert.match(denied.stderr, /widgets\.example\.com "w2" is forbidden: User "jane" cannot delete resource "widgets" in API group "example\.com" in the namespace "default"/);
  });

  test('deleting a namespace deletes the custom resources in it', async () => {
    await s.c.k(['create', 'namespace', 'doomed']);
    await s.c.k(['create', '-n', 'doomed', '-f', '-'], widget('w7', 'red'));
    await s.c.k(['delete', 'namespace', 'doomed', '--wait=false']);
    await eventually(async () => (await s.c.kubectl(['get', 'namespace', 'doomed'])).code !== 0, 60_000, 'the namespace to go');
    assert.equal(await s.c.k(['get', 'widgets', '-A', '--field-selector', 'metadata.namespace=doomed', '-o', 'name']), '');
  });

  test('deleting a CRD deletes its objects first, then the CRD and its endpoints go', async () => {
    await s.c.k(['create', 'namespace', 'other']);
    await s.c.k(['create', '-n', 'other', '-f', '-'], widget('w5', 'black'));
    assert.match(await s.c.k(['delete', 'crd', 'widgets.example.com', '--wait=true', '--timeout=30s']), /deleted/);
    const r = await s.c.kubectl(['get', 'crd', 'widgets.example.com']);
    assert.match(r.stderr, /NotFound/);
    const gone = await s.c.kubectl(['get', '--raw', '/apis/example.com/v1/namespaces/other/widgets']);
    assert.match(gone.stderr, /NotFound/);
    // The freed short name goes to the CRD that asked for it.
    await s.c.k(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=20s']);
  });

  test('a custom resource held by its own finalizer keeps a deleted CRD terminating, refusing new objects', async () => {
    await s.c.k(['create', '-f', '-'], 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g1, finalizers: [example.com/hold]}\n');
    await s.c.k(['delete', 'crd', 'gadgets.example.com', '--wait=false']);
    const terminating = await eventually(async () => {
      const crd = JSON.parse(await s.c.k(['get', 'crd', 'gadgets.example.com', '-o', 'json']));
      const c = crd.status.conditions.find((x: { type: string }) => x.type === 'Terminating');
      return c?.reason === 'InstanceDeletionCheck' ? { c, finalizers: crd.metadata.finalizers } : undefined;
    }, 15_000, 'the CRD to wait for its objects');
    assert.equal(terminating.c.status, 'True');
    assert.deepEqual(terminating.finalizers, ['customresourcecleanup.apiextensions.k8s.io']);
    const refused = await s.c.kubectl(['create', '-f', '-'], 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g2}\n');
    assert.match(refused.stderr, /create not allowed while custom resource definition is terminating/);

    await s.c.k(['patch', 'gadget', 'g1', '--type', 'merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually(async () => (await s.c.kubectl(['get', 'crd', 'gadgets.example.com'])).code !== 0, 30_000, 'the CRD to go');
  });

  test('a kind without its CRD: kubectl reports no match and suggests installing CRDs', async () => {
    const r = await s.c.kubectl(['apply', '-f', '-'], `
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web}
spec: {}
`);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /no matches for kind "ServiceMonitor" in version "monitoring\.coreos\.com\/v1"\nensure CRDs are installed first/);
  });
});
