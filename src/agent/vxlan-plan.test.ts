import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NodeObject } from '../api/node-object.js';
import { BACKEND_ANNOTATION, planVxlan, VTEP_MAC_ANNOTATION } from './vxlan-plan.js';
import { vxlanCommands } from './vxlan.js';

const node = (name: string, o: { ip?: string; cidr?: string; mac?: string; backend?: string } = {}): NodeObject => ({
  apiVersion: 'v1', kind: 'Node',
  metadata: {
    name,
    annotations: {
      ...(o.backend !== undefined ? { [BACKEND_ANNOTATION]: o.backend } : {}),
      ...(o.mac ? { [VTEP_MAC_ANNOTATION]: o.mac } : {}),
    },
  },
  spec: o.cidr ? { podCIDR: o.cidr, podCIDRs: [o.cidr] } : {},
  status: o.ip ? { addresses: [{ type: 'InternalIP', address: o.ip }] } : {},
});

const vx = (name: string, ip: string, cidr: string, mac: string) => node(name, { ip, cidr, mac, backend: 'vxlan' });

test('each other vxlan node gets a route via its VTEP address, a neighbour entry and an FDB entry', () => {
  const plan = planVxlan([
    vx('a', '10.99.0.2', '10.42.0.0/24', '02:00:00:00:00:0a'),
    vx('b', '10.98.0.2', '10.42.1.0/24', '02:00:00:00:00:0B'),
    vx('c', '10.99.0.4', '10.42.2.0/24', '02:00:00:00:00:0c'),
  ], 'a');
  assert.equal(plan.address, '10.42.0.0');
  assert.deepEqual(plan.routes, [{ dst: '10.42.1.0/24', via: '10.42.1.0' }, { dst: '10.42.2.0/24', via: '10.42.2.0' }]);
  assert.deepEqual(plan.neighbours, [{ ip: '10.42.1.0', mac: '02:00:00:00:00:0b' }, { ip: '10.42.2.0', mac: '02:00:00:00:00:0c' }]);
  assert.deepEqual(plan.fdb, [{ mac: '02:00:00:00:00:0b', dst: '10.98.0.2' }, { mac: '02:00:00:00:00:0c', dst: '10.99.0.4' }]);
});

test('nodes without a VTEP, an address, a pod CIDR or on host-gw are left out; a bad MAC or CIDR does not break the rest', () => {
  const plan = planVxlan([
    node('self', { ip: '10.99.0.2' }),
    node('hostgw', { ip: '10.99.0.3', cidr: '10.42.1.0/24', mac: '02:00:00:00:00:01', backend: 'host-gw' }),
    node('nomac', { ip: '10.99.0.4', cidr: '10.42.2.0/24', backend: 'vxlan' }),
    node('noip', { cidr: '10.42.3.0/24', mac: '02:00:00:00:00:03', backend: 'vxlan' }),
    node('nocidr', { ip: '10.99.0.6', mac: '02:00:00:00:00:04', backend: 'vxlan' }),
    vx('badmac', '10.99.0.7', '10.42.5.0/24', 'not-a-mac'),
    vx('badcidr', '10.99.0.8', '10.42.6.0/99', '02:00:00:00:00:06'),
    vx('v6', 'fd00::8', '10.42.7.0/24', '02:00:00:00:00:07'),
    vx('good', '10.99.0.9', '10.42.8.5/24', '02:00:00:00:00:08'),
  ], 'self');
  assert.equal(plan.address, undefined, 'no pod CIDR yet: no VTEP address');
  assert.deepEqual(plan.routes, [{ dst: '10.42.8.0/24', via: '10.42.8.0' }], 'a CIDR is normalised to its network');
  assert.equal(plan.fdb.length, 1);
});

test('the commands add what is missing, replace what changed and remove what is gone', () => {
  const want = planVxlan([
    vx('a', '10.99.0.2', '10.42.0.0/24', '02:00:00:00:00:0a'),
    vx('b', '10.98.0.2', '10.42.1.0/24', '02:00:00:00:00:0b'),
  ], 'a');
  const { ip, bridge } = vxlanCommands(want, {
    addresses: ['10.42.9.0/32'],
    routes: [{ dst: '10.42.3.0/24', via: '10.42.3.0' }],
    neighbours: [{ ip: '10.42.3.0', mac: '02:00:00:00:00:03' }],
    fdb: [{ mac: '02:00:00:00:00:03', dst: '10.99.0.3' }],
  });
  assert.deepEqual(bridge, [
    'fdb replace 02:00:00:00:00:0b dev k8ts.vxlan dst 10.98.0.2 self permanent',
    'fdb del 02:00:00:00:00:03 dev k8ts.vxlan dst 10.99.0.3 self',
  ]);
  assert.deepEqual(ip, [
    'addr replace 10.42.0.0/32 dev k8ts.vxlan',
    'addr del 10.42.9.0/32 dev k8ts.vxlan',
    'neigh replace 10.42.1.0 lladdr 02:00:00:00:00:0b dev k8ts.vxlan nud permanent',
    'neigh del 10.42.3.0 dev k8ts.vxlan',
    'route replace 10.42.1.0/24 via 10.42.1.0 dev k8ts.vxlan onlink proto 75',
    'route del 10.42.3.0/24 proto 75',
  ]);
  assert.deepEqual(vxlanCommands(want, {
    addresses: ['10.42.0.0/32'], routes: want.routes, neighbours: want.neighbours, fdb: want.fdb,
  }), { ip: [], bridge: [] }, 'in step: nothing to do');
});
