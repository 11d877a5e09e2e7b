import { test } from 'node:test';
import assert from 'node:assert/strict';
import { driverEntry, missingTopologyLabels, nodeIdAnnotation, TopologyCollisionError, withDriver } from './node-info.js';

test('CSINode entry: node id, sorted topology keys, allocatable only with a limit', () => {
  assert.deepEqual(driverEntry('d', { nodeId: 'n1', maxVolumesPerNode: 0, topology: { 'z/b': '1', 'a/a': '2' } }), { name: 'd', nodeID: 'n1', topologyKeys: ['a/a', 'z/b'] });
  assert.deepEqual(driverEntry('d', { nodeId: 'n1', maxVolumesPerNode: 5, topology: {} }), { name: 'd', nodeID: 'n1', topologyKeys: [], allocatable: { count: 5 } });
  const drivers = withDriver([{ name: 'x', nodeID: 'a' }, { name: 'd', nodeID: 'old' }], { name: 'd', nodeID: 'new' });
  assert.deepEqual(drivers, [{ name: 'x', nodeID: 'a' }, { name: 'd', nodeID: 'new' }]);
});

test('node id annotation: a JSON map, sorted; removing the last driver removes the annotation', () => {
  assert.equal(nodeIdAnnotation(undefined, 'b.io', 'n'), '{"b.io":"n"}');
  assert.equal(nodeIdAnnotation('{"b.io":"n"}', 'a.io', 'm'), '{"a.io":"m","b.io":"n"}');
  assert.equal(nodeIdAnnotation('{"a.io":"m","b.io":"n"}', 'a.io', undefined), '{"b.io":"n"}');
  assert.equal(nodeIdAnnotation('{"b.io":"n"}', 'b.io', undefined), undefined);
  assert.equal(nodeIdAnnotation('not json', 'b.io', 'n'), '{"b.io":"n"}');
});

test('topology labels: only the missing ones; a label with another value is a collision', () => {
  assert.deepEqual(missingTopologyLabels({ 'k/zone': 'z1' }, 'd', { 'k/zone': 'z1', 'k/node': 'n1' }), { 'k/node': 'n1' });
  assert.throws(() => missingTopologyLabels({ 'k/zone': 'z2' }, 'd', { 'k/zone': 'z1' }), (err: unknown) => err instanceof TopologyCollisionError && /detected topology value collision: driver d reported "k\/zone":"z1" but existing label is "k\/zone":"z2"/.test(err.message));
});
