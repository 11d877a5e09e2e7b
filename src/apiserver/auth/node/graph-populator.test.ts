import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../../api/catalog.js';
import { parseCidr } from '../../../api/cidr.js';
import { MemoryStore } from '../../../storage/memory.js';
import { AdmissionChain } from '../../admission/types.js';
import { systemContext } from '../../context.js';
import { Registry } from '../../registry/registry.js';
import { strategies } from '../../registry/strategies/index.js';
import type { ResourceRequest } from '../../request-info.js';
import { registryNodeAuthorizer } from './graph-populator.js';

const admin = systemContext('admin');
const nodeA = { username: 'system:node:a', groups: ['system:nodes'] };
const nodeB = { username: 'system:node:b', groups: ['system:nodes'] };
const getSecret: ResourceRequest = { isResourceRequest: true, group: '', version: 'v1', resource: 'secrets', namespace: 'default', name: 'creds', subresource: '', verb: 'get', rest: [] };

test('the graph follows the server\'s pods: created, moved by a re-create, deleted', async () => {
  const registry = new Registry(ResourceCatalog.shared(), new MemoryStore(), new AdmissionChain([]),
    strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const pods = registry.get('', 'pods');
  const pod = (node: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' }, spec: { nodeName: node, containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 's', secret: { secretName: 'creds' } }] } });
  // A pod that exists before the authorizer's first question is in the graph.
  await pods.create(admin, 'default', pod('a'));
  const authz = registryNodeAuthorizer(registry);
  assert.equal((await authz.authorize(nodeA, getSecret)).allowed, true);
  assert.equal((await authz.authorize(nodeB, getSecret)).allowed, false);
  await pods.delete(admin, 'default', 'web', { gracePeriodSeconds: 0 });
  assert.equal((await authz.authorize(nodeA, getSecret)).allowed, false);
  await pods.create(admin, 'default', pod('b'));
  assert.equal((await authz.authorize(nodeA, getSecret)).allowed, false);
  assert.equal((await authz.authorize(nodeB, getSecret)).allowed, true);
  registry.stop();
});
