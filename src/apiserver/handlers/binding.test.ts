import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { MemoryStore } from '../../storage/memory.js';
import { AdmissionChain } from '../admission/types.js';
import { systemContext } from '../context.js';
import { Registry } from '../registry/registry.js';
import { parseCidr } from '../../api/cidr.js';
import { strategies } from '../registry/strategies/index.js';
import { parseRequestInfo, type ResourceRequest } from '../request-info.js';
import { handleBinding } from './binding.js';

async function podsStore() {
  const registry = new Registry(ResourceCatalog.shared(), new MemoryStore(), new AdmissionChain([]), strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const pods = registry.find('', 'v1', 'pods')!;
  await pods.create(systemContext('kubectl'), 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', annotations: { a: '1' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
  return { registry, pods };
}

async function bind(pods: Awaited<ReturnType<typeof podsStore>>['pods'], body: object, name = 'p'): Promise<number> {
  const req = Object.assign(Readable.from([Buffer.from(JSON.stringify(body))]), { headers: { 'content-type': 'application/json' } }) as unknown as IncomingMessage;
  let code = 0;
  const res = { headersSent: false, writeHead: (c: number) => { code = c; }, end: () => undefined } as unknown as ServerResponse;
  const ri = parseRequestInfo('POST', `/api/v1/namespaces/default/pods/${name}/binding`, new URLSearchParams()) as ResourceRequest;
  await handleBinding(req, res, ri, systemContext('scheduler'), pods);
  return code;
}

const binding = (node: string, annotations?: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'p', annotations }, target: { kind: 'Node', name: node } });

test('binding assigns the node, sets PodScheduled and copies annotations, without a managedFields entry', async () => {
  const { registry, pods } = await podsStore();
  const before = pods.get('default', 'p');
  assert.equal(await bind(pods, binding('n1', { b: '2' })), 201);
  const pod = pods.get('default', 'p') as KubeObject & { spec: { nodeName?: string }; status: { conditions: { type: string; status: string }[] } };
  assert.equal(pod.spec.nodeName, 'n1');
  assert.deepEqual(pod.metadata.annotations, { a: '1', b: '2' });
  assert.deepEqual(pod.status.conditions.map(c => [c.type, c.status]), [['PodScheduled', 'True']]);
  assert.deepEqual(pod.metadata.managedFields, before.metadata.managedFields);
  // The cached pod the binding started from is untouched.
  assert.equal((before.spec as { nodeName?: string }).nodeName, undefined);
  assert.deepEqual(before.metadata.annotations, { a: '1' });
  assert.equal((before.status as { conditions?: unknown[] } | undefined)?.conditions, undefined);
  registry.stop();
});

test('binding an assigned or missing pod, or under another name, fails as upstream', async () => {
  const { registry, pods } = await podsStore();
  await bind(pods, binding('n1'));
  await assert.rejects(bind(pods, binding('n2')), (e: StatusError) => e.code === 409 && /pods\/binding "p": pod p is already assigned to node "n1"/.test(e.message));
  await assert.rejects(bind(pods, { ...binding('n1'), metadata: { name: 'q' } }, 'q'), (e: StatusError) => e.code === 404);
  await assert.rejects(bind(pods, binding('n1'), 'other'), (e: StatusError) => e.code === 400);
  registry.stop();
});
