import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeObject } from '../api/node-object.js';
import { cniConflist } from './cni-config.js';
import { desiredRoutes } from './host-gw.js';
import { caProof, isValidCaProof } from '../pki/ca-proof.js';

const node = (name: string, ip?: string, cidr?: string): NodeObject => ({
  apiVersion: 'v1', kind: 'Node', metadata: { name },
  spec: cidr ? { podCIDR: cidr, podCIDRs: [cidr] } : {},
  status: ip ? { addresses: [{ type: 'InternalIP', address: ip }, { type: 'Hostname', address: name }] } : {},
});

test('routes go to every other node that has both a pod CIDR and an InternalIP', () => {
  const routes = desiredRoutes([node('a', '10.99.0.2', '10.42.0.0/24'), node('b', '10.99.0.3', '10.42.1.0/24'), node('c', '10.99.0.4'), node('d', undefined, '10.42.3.0/24')], 'a');
  assert.deepEqual([...routes], [['10.42.1.0/24', '10.99.0.3']]);
});

test('the CNI network: gateway bridge, host-local in the pod CIDR with its own data dir, portmap, loopback', () => {
  const c = cniConflist('10.42.1.0/24', '/d/agent/cni') as { plugins: Record<string, any>[] };
  assert.deepEqual(c.plugins.map(p => p.type), ['bridge', 'portmap', 'loopback']);
  assert.equal(c.plugins[0].bridge, 'cni0');
  assert.equal(c.plugins[0].isGateway, true);
  assert.equal(c.plugins[0].hairpinMode, true);
  assert.equal(c.plugins[0].forceAddress, true, 'a new pod CIDR replaces the bridge gateway');
  assert.deepEqual(c.plugins[0].ipam.ranges, [[{ subnet: '10.42.1.0/24' }]]);
  assert.equal(c.plugins[0].ipam.dataDir, '/d/agent/cni');
  assert.equal('mtu' in c.plugins[0], false, 'host-gw keeps the default MTU');
});

test('over VXLAN the CNI bridge takes the tunnel\'s MTU', () => {
  const c = cniConflist('10.42.1.0/24', '/d/agent/cni', 1450) as { plugins: Record<string, any>[] };
  assert.equal(c.plugins[0].mtu, 1450);
});

test('a CA proof holds only for the same token, nonce and CA', () => {
  const proof = caProof('K10abc', 'n1', 'CA');
  assert.equal(isValidCaProof('K10abc', 'n1', 'CA', proof), true);
  assert.equal(isValidCaProof('K10abd', 'n1', 'CA', proof), false);
  assert.equal(isValidCaProof('K10abc', 'n2', 'CA', proof), false);
  assert.equal(isValidCaProof('K10abc', 'n1', 'CA2', proof), false);
  assert.equal(isValidCaProof('K10abc', 'n1', 'CA', 'short'), false);
});
