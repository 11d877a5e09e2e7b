import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ago, columns, row } from './testing.js';
import type { Obj } from './types.js';

function node(labels: Obj, conditions: Obj[], spec: Obj = {}): Obj {
  return {
    metadata: { name: 'n1', labels, creationTimestamp: ago(9 * 86400) },
    spec,
    status: {
      conditions,
      addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '192.168.1.10' }],
      nodeInfo: { kubeletVersion: 'v1.31.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0', containerRuntimeVersion: 'containerd://1.7.0' },
    },
  };
}

test('node columns', () => {
  assert.deepEqual(columns('', 'nodes'), [
    'Name:string:name:0', 'Status:string::0', 'Roles:string::0', 'Age:string::0', 'Version:string::0',
    'Internal-IP:string::1', 'External-IP:string::1', 'OS-Image:string::1', 'Kernel-Version:string::1', 'Container-Runtime:string::1',
  ]);
});

test('ready control-plane node', () => {
  const r = row('', 'nodes', node({ 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'node-role.kubernetes.io/': '' }, [{ type: 'Ready', status: 'True' }]));
  assert.deepEqual(r, {
    Name: 'n1', Status: 'Ready', Roles: 'control-plane,master', Age: '9d', Version: 'v1.31.0',
    'Internal-IP': '192.168.1.10', 'External-IP': '<none>', 'OS-Image': 'Debian GNU/Linux 12 (bookworm)', 'Kernel-Version': '6.1.0',
    'Container-Runtime': 'containerd://1.7.0',
  });
});

test('node status: NotReady for False or Unknown, Unknown without the condition, SchedulingDisabled when cordoned', () => {
  assert.equal(row('', 'nodes', node({}, [{ type: 'Ready', status: 'False' }])).Status, 'NotReady');
  assert.equal(row('', 'nodes', node({}, [{ type: 'Ready', status: 'Unknown' }])).Status, 'NotReady');
  assert.equal(row('', 'nodes', node({}, [{ type: 'MemoryPressure', status: 'False' }])).Status, 'Unknown');
  const cordoned = row('', 'nodes', node({}, [{ type: 'Ready', status: 'True' }], { unschedulable: true }));
  assert.equal(cordoned.Status, 'Ready,SchedulingDisabled');
  assert.equal(cordoned.Roles, '<none>');
});

test('node without system info prints <unknown>', () => {
  const r = row('', 'nodes', { metadata: { name: 'bare' }, status: {} });
  assert.deepEqual([r.Version, r['OS-Image'], r['Kernel-Version'], r['Container-Runtime'], r['Internal-IP']], ['', '<unknown>', '<unknown>', '<unknown>', '<none>']);
});
