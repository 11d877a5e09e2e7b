// Changes to a CRD while its custom resources are watched and written, against a real `k8ts server`
// with the real kubectl: status-only and metadata-only CRD updates keep open watches (upstream
// rebuilds a CRD's storage only when its spec or accepted names change), a deleted CRD's watchers
// see its objects deleted, and server-side apply at two versions of one CRD shares field ownership.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { eventually } from './harness.js';
import { suiteCluster } from './support/suite-cluster.js';
import { untilWatchIsLive } from './support/watch-live.js';

const GADGETS = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gadgets.example.com
spec:
  group: example.com
  scope: Namespaced
  names: {plural: gadgets, singular: gadget, kind: Gadget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string}
              size: {type: integer}
  - name: v2
    served: true
    storage: false
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              color: {type: string}
              size: {type: integer}
`;

const gadget = (name: string, color: string, version = 'v1') => `
apiVersion: example.com/${version}
kind: Gadget
metadata: {name: ${name}}
spec: {color: ${color}}
`;

/** `kubectl get gadgets -w` at `version`, its output collected. */
function watchGadgets(s: ReturnType<typeof suiteCluster>, version: string): { proc: ChildProcess; out: () => string; exited: () => boolean } {
  const [cmd, ...args] = s.c.kubectlCommand(['get', `gadgets.${version}.example.com`, '--watch-only', '--output-watch-events', '-o', 'jsonpath={.type} {.object.metadata.name} {.object.apiVersion} {.object.spec.color}{"\\n"}']);
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exited = false;
  proc.stdout!.on('data', d => (out += d));
  proc.stderr!.on('data', d => (out += d));
  proc.on('exit', () => (exited = true));
  return { proc, out: () => out, exited: () => exited };
}

describe('CRD updates and their custom resources', () => {
  const s = suiteCluster({ scratch: 'k8ts-crd-updates-' });
  /** g0 is a gadget the tests change only to learn that a watch is live. */
  const touchProbe = (n: number) => s.c.k(['annotate', 'gadget', 'g0', `probe=${n}`, '--overwrite']);
  const probed = (w: ReturnType<typeof watchGadgets>) => /MODIFIED\s+g0\s/.test(w.out());

  test('status-only and metadata-only CRD updates keep watches on its objects open', async () => {
    await s.c.k(['apply', '-f', '-'], GADGETS);
    await s.c.k(['wait', '--for=condition=Established', 'crd/gadgets.example.com', '--timeout=20s']);
    await s.c.k(['create', '-f', '-'], gadget('g0', 'white'));
    const v1 = watchGadgets(s, 'v1');
    const v2 = watchGadgets(s, 'v2');
    try {
      await untilWatchIsLive(touchProbe, () => probed(v1) && probed(v2));
      await s.c.k(['create', '-f', '-'], gadget('g1', 'red'));
      await eventually(() => /ADDED\s+g1/.test(v1.out()) && /ADDED\s+g1/.test(v2.out()), 30_000, `g1 ADDED at both versions: ${v1.out()} | ${v2.out()}`);

      // A condition of the CRD's status (as a controller of the CRD's own would write it) and a label.
      await s.c.k(['patch', 'crd', 'gadgets.example.com', '--subresource=status', '--type=json', '-p',
        '[{"op":"add","path":"/status/conditions/-","value":{"type":"Audited","status":"True","reason":"Checked","message":"ok","lastTransitionTime":"2026-01-01T00:00:00Z"}}]']);
      await s.c.k(['label', 'crd', 'gadgets.example.com', 'team=tools']);
      await s.c.k(['annotate', 'crd', 'gadgets.example.com', 'note=kept']);

      await s.c.k(['create', '-f', '-'], gadget('g2', 'blue', 'v2'));
      await eventually(() => /ADDED\s+g2/.test(v1.out()) && /ADDED\s+g2/.test(v2.out()), 30_000, 'g2 ADDED at both versions after the CRD updates');
      assert.equal(v1.exited(), false, 'the v1 watch is still open');
      assert.equal(v2.exited(), false, 'the v2 watch is still open');
      // Each watcher sees the object at its own version.
      assert.match(v1.out(), /ADDED\s+g2\s+example\.com\/v1\s+blue/);
      assert.match(v2.out(), /ADDED\s+g1\s+example\.com\/v2\s+red/);
    } finally {
      v1.proc.kill('SIGTERM');
      v2.proc.kill('SIGTERM');
    }
  });

  test('a spec change ends the watches, as upstream rebuilds the storage; a new watch sees the new version', async () => {
    const v1 = watchGadgets(s, 'v1');
    try {
      await untilWatchIsLive(touchProbe, () => probed(v1));
      await s.c.k(['create', '-f', '-'], gadget('g3', 'green'));
      await eventually(() => /ADDED\s+g3/.test(v1.out()), 30_000, 'g3 ADDED');
      await s.c.k(['patch', 'crd', 'gadgets.example.com', '--type=json', '-p',
        '[{"op":"add","path":"/spec/versions/1/schema/openAPIV3Schema/properties/spec/properties/shape","value":{"type":"string"}}]']);
      await eventually(() => v1.exited(), 30_000, 'the watch ends when the CRD spec changes');
    } finally {
      v1.proc.kill('SIGTERM');
    }
  });

  test('server-side apply at two versions shares field ownership: conflicts across versions, forced takeover', async () => {
    const applied = (version: string, spec: string) => `apiVersion: example.com/${version}\nkind: Gadget\nmetadata: {name: g4}\nspec: ${spec}\n`;
    await eventually(async () => (await s.c.kubectl(['get', 'gadgets'])).code === 0, 30_000, 'gadgets served');
    await s.c.k(['apply', '--server-side', '--field-manager=alpha', '-f', '-'], applied('v1', '{color: red, size: 1}'));

    const refused = await s.c.kubectl(['apply', '--server-side', '--field-manager=beta', '-f', '-'], applied('v2', '{color: blue}'));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /Apply failed with 1 conflict: conflict with "alpha": \.spec\.color/);
    // The same value is no conflict: both own it.
    await s.c.k(['apply', '--server-side', '--field-manager=gamma', '-f', '-'], applied('v2', '{size: 1}'));

    await s.c.k(['apply', '--server-side', '--field-manager=beta', '--force-conflicts', '-f', '-'], applied('v2', '{color: blue}'));
    const obj = JSON.parse(await s.c.k(['get', 'gadgets.v1.example.com', 'g4', '-o', 'json', '--show-managed-fields']));
    const owned = (manager: string) => {
      const e = obj.metadata.managedFields.find((m: { manager: string }) => m.manager === manager);
      return { apiVersion: e.apiVersion, fields: Object.keys(e.fieldsV1['f:spec'] ?? {}).sort() };
    };
    assert.deepEqual(owned('alpha'), { apiVersion: 'example.com/v1', fields: ['f:size'] });
    assert.deepEqual(owned('beta'), { apiVersion: 'example.com/v2', fields: ['f:color'] });
    assert.deepEqual(owned('gamma'), { apiVersion: 'example.com/v2', fields: ['f:size'] });

    // alpha no longer declaring color leaves beta's value; gamma still owns size, so alpha dropping it keeps it.
    await s.c.k(['apply', '--server-side', '--field-manager=alpha', '-f', '-'], applied('v1', '{}'));
    assert.equal(await s.c.k(['get', 'gadgets.v2.example.com', 'g4', '-o', 'jsonpath={.spec.color} {.spec.size}']), 'blue 1');
    // A non-apply update at v1 takes the field from its v2 owner.
    await s.c.k(['patch', 'gadgets.v1.example.com', 'g4', '--type=merge', '--field-manager=delta', '-p', '{"spec":{"color":"green"}}']);
    const after = JSON.parse(await s.c.k(['get', 'gadgets.v2.example.com', 'g4', '-o', 'json', '--show-managed-fields']));
    const beta = after.metadata.managedFields.find((m: { manager: string }) => m.manager === 'beta');
    assert.equal(beta, undefined, 'beta owned only color, taken by delta');
    const delta = after.metadata.managedFields.find((m: { manager: string }) => m.manager === 'delta');
    assert.equal(delta.apiVersion, 'example.com/v1');
    assert.equal(delta.operation, 'Update');
  });

  test('the watchers of a deleted CRD see its objects deleted', async () => {
    await eventually(async () => (await s.c.kubectl(['get', 'gadgets'])).code === 0, 30_000, 'gadgets served');
    const v1 = watchGadgets(s, 'v1');
    try {
      await untilWatchIsLive(touchProbe, () => probed(v1));
      await s.c.k(['delete', 'crd', 'gadgets.example.com', '--wait=false']);
      await eventually(() => /DELETED\s+g1/.test(v1.out()) && /DELETED\s+g2/.test(v1.out()) && /DELETED\s+g3/.test(v1.out()) && /DELETED\s+g4/.test(v1.out()), 20_000, 'DELETED events of every gadget');
    } finally {
      v1.proc.kill('SIGTERM');
    }
  });
});
