import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mountOf, parseMountInfo } from './mountinfo.js';

const SAMPLE = [
  '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw',
  '36 22 8:1 /data/vol\\0401 /var/lib/k8ts/agent/kubelet/pods/u/volumes/kubernetes.io~csi/pv1/mount ro,relatime shared:1 master:3 - ext4 /dev/sda1 rw',
  '40 22 0:50 / /var/lib/k8ts/agent/kubelet rw,relatime - tmpfs tmpfs rw',
].join('\n') + '\n';

test('mountinfo: fields, escapes, propagation', () => {
  const mounts = parseMountInfo(SAMPLE);
  assert.equal(mounts.length, 3);
  assert.deepEqual(mounts[1], {
    root: '/data/vol 1', mountPoint: '/var/lib/k8ts/agent/kubelet/pods/u/volumes/kubernetes.io~csi/pv1/mount',
    options: ['ro', 'relatime'], optionalFields: ['shared:1', 'master:3'], fsType: 'ext4', source: '/dev/sda1',
  });
  assert.deepEqual(mounts[2].optionalFields, []);
});

test('mountOf: the deepest mount holding a path', () => {
  const mounts = parseMountInfo(SAMPLE);
  assert.equal(mountOf('/var/lib/k8ts/agent/kubelet/plugins_registry', mounts)?.mountPoint, '/var/lib/k8ts/agent/kubelet');
  assert.equal(mountOf('/var/lib/k8ts/agent/kubeletx', mounts)?.mountPoint, '/');
  assert.equal(mountOf('/etc', mounts)?.mountPoint, '/');
});
