import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podCgroup, podUidOf, qosCgroup } from './cgroup-names.js';

test('Guaranteed pods sit under the pods cgroup, the others under their class', () => {
  assert.equal(qosCgroup('/kubepods', 'Guaranteed'), '/kubepods');
  assert.equal(qosCgroup('/kubepods', 'Burstable'), '/kubepods/burstable');
  assert.equal(qosCgroup('/kubepods', 'BestEffort'), '/kubepods/besteffort');
  assert.equal(podCgroup('/kubepods', 'Guaranteed', 'a-b'), '/kubepods/poda-b');
  assert.equal(podCgroup('/k8ts/pods', 'Burstable', 'a-b'), '/k8ts/pods/burstable/poda-b');
  assert.equal(podCgroup('/kubepods', 'BestEffort', 'a-b'), '/kubepods/besteffort/poda-b');
});

test('a pod cgroup directory names its pod uid; other directories none', () => {
  assert.equal(podUidOf('pod0f3c-11'), '0f3c-11');
  assert.equal(podUidOf('burstable'), undefined);
  assert.equal(podUidOf('pod'), undefined);
  assert.equal(podUidOf('4b1e0c9d'), undefined);
});
