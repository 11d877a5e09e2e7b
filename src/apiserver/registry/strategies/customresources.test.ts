import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCustomResourceSchema } from '../../../api/apiextensions/index.js';
import type { KubeObject } from '../../../api/object.js';
import type { CustomResourceDefinition } from '../../../api/types/generated.js';
import { systemContext } from '../../context.js';
import { customResourceCodec, customResourceStrategy } from './customresources.js';

const crd: CustomResourceDefinition = {
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget' },
    versions: [
      { name: 'v1', served: true, storage: true, deprecated: true,
        subresources: { status: {}, scale: { specReplicasPath: '.spec.scale.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
        selectableFields: [{ jsonPath: '.spec.color' }],
        schema: { openAPIV3Schema: { type: 'object', properties: {
          spec: { type: 'object', properties: { color: { type: 'string', default: 'blue' }, scale: { type: 'object', properties: { replicas: { type: 'integer' } } } } },
          status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
        } } } },
      { name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
    ],
  },
};
const v1 = crd.spec.versions[0];
const schema = compileCustomResourceSchema(crd, 'v1');
const strategy = customResourceStrategy(crd, v1, schema);
const obj = (): KubeObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { scale: { replicas: 2 }, extra: 1 }, status: { replicas: 1, selector: 'a=b' } });

test('status comes only through /status; writes are pruned and defaulted by the schema', async () => {
  const o = obj();
  await strategy.prepareForCreate!(o, systemContext());
  strategy.defaults!(o, 'v1');
  assert.equal(o.status, undefined);
  assert.deepEqual(o.spec, { scale: { replicas: 2 }, color: 'blue' });
  const updated = obj();
  await strategy.prepareForUpdate!(updated, { ...obj(), status: { replicas: 7 } }, systemContext());
  assert.deepEqual(updated.status, { replicas: 7 });
  assert.equal(strategy.generationCountsStatus, false);
});

test('scale reads and writes the CRD\'s paths; selectable fields; deprecation warning; no strategic merge patch', () => {
  const o = obj();
  const scale = strategy.scale!;
  assert.deepEqual([scale.specReplicas(o), scale.statusReplicas(o), scale.selector(o)], [2, 1, 'a=b']);
  const bare: KubeObject = { metadata: { name: 'x' } };
  scale.setSpecReplicas(bare, 4);
  assert.deepEqual(bare.spec, { scale: { replicas: 4 } });
  assert.equal(strategy.fieldSelectors!['spec.color']({ spec: { color: 'red' } }), 'red');
  assert.equal(strategy.requestWarning, 'example.com/v1 Widget is deprecated');
  assert.ok(!strategy.patchTypes!.includes('application/strategic-merge-patch+json'));
});

test('None conversion: stored objects read at the requested version, written at the storage version', () => {
  const codec = customResourceCodec(crd, 'v2', 'v1', compileCustomResourceSchema(crd, 'v2'));
  const read = codec.fromStorage(obj());
  assert.equal(read.apiVersion, 'example.com/v2');
  assert.equal(codec.toStorage(read).apiVersion, 'example.com/v1');
  assert.equal(read.apiVersion, 'example.com/v2', 'the read object is not changed by encoding');
});
